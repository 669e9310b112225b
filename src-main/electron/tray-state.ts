import { MINING_STATE_LABELS, type MiningStateName } from "../../src-shared/app-contract.js";

export type TrayIconName = "idle" | "mining" | "paused" | "error";

/** Tray icons are drawn per state (resources/tray-<name>.png, @2x for HiDPI): four shapes, six states. */
export function trayIconName(state: MiningStateName): TrayIconName {
  switch (state) {
    case "mining":
    case "starting":
      return "mining";
    case "paused":
    case "stopping":
      return "paused";
    case "error":
    case "degraded":
      return "error";
    case "stopped":
      return "idle";
  }
}

export function trayIconFile(state: MiningStateName): string {
  return `tray-${trayIconName(state)}.png`;
}

/** One line for the tray tooltip; tooltips are short on every platform, so the reason is clipped. */
export function trayTooltip(state: MiningStateName, reason: string): string {
  const label = MINING_STATE_LABELS[state];
  const text = `PoUW Miner — ${label}: ${reason}`;
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Whether the tray menu offers Start or Stop; while stopping (finishing tasks in flight), Start resumes. */
export function trayAction(state: MiningStateName): "start" | "stop" {
  return state === "mining" || state === "starting" || state === "paused" || state === "degraded" ? "stop" : "start";
}
