import type { Settings } from "../../src-shared/settings-schema.js";
import { inSchedule, nextScheduledStart } from "./schedule.js";
import { yieldReason, type ActivitySnapshot, type YieldCode } from "./yield-rules.js";

/** How long the user has been away; Electron's powerMonitor in the app, pluggable under headless. */
export interface IdleSource {
  idleSeconds(): number;
}

/** Headless default: nobody is at a server's keyboard. */
export const alwaysIdle: IdleSource = { idleSeconds: () => Number.POSITIVE_INFINITY };

/**
 * Whether the computer runs on battery: Electron's powerMonitor in the app, systeminformation under
 * headless (src-main/desktop/battery-source.ts). Not knowing counts as not on battery.
 */
export interface BatterySource {
  onBattery(): boolean;
  /** Calls back when the answer may have changed (a power event, a new reading); returns the stop function. */
  watch?(listener: () => void): () => void;
}

/** Default where nothing tells (tests, devnet peers): never on battery. */
export const neverOnBattery: BatterySource = { onBattery: () => false };

/**
 * What the computer's user is doing that mining should make way for (src-main/scheduler/yield-rules.ts):
 * the latest reading of probes that run in the background, so the gate itself never waits on one.
 */
export interface ActivitySource {
  current(): ActivitySnapshot;
  /** This app's own processes (the worker), never a reason to pause. */
  ownPids?(): ReadonlySet<number>;
  watch?(listener: () => void): () => void;
}

/** Default where nothing watches (tests, headless servers, devnet peers): nothing seen. */
export const nothingSeen: ActivitySource = { current: () => ({}) };

export type GateSettings = Pick<Settings, "idleOnly" | "idleMinutes" | "schedule"> &
  Partial<
    Pick<Settings, "pauseOnBattery" | "pauseOnFullscreen" | "pauseOnGpuBusy" | "gpuBusyPercent" | "pauseForPrograms">
  >;

export type GateDecision =
  | { allowed: true; reason: string }
  | {
      allowed: false;
      reason: string;
      code: "USER_ACTIVE" | "OUTSIDE_SCHEDULE" | "ON_BATTERY" | YieldCode;
      resumesAt?: Date;
    };

/**
 * Whether mining may run right now, and why not, in words the dashboard shows as they are. Pure,
 * so every rule is tested without clocks or Electron.
 */
export function miningGate(
  settings: GateSettings,
  idleSeconds: number,
  now: Date,
  onBattery = false,
  activity: ActivitySnapshot = {},
  ownPids: ReadonlySet<number> = new Set(),
): GateDecision {
  if (!inSchedule(settings.schedule, now)) {
    const resumesAt = nextScheduledStart(settings.schedule, now);
    const when = resumesAt
      ? ` — resumes ${resumesAt.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })}`
      : "";
    return {
      allowed: false,
      code: "OUTSIDE_SCHEDULE",
      reason: `paused: outside your mining schedule${when}`,
      ...(resumesAt ? { resumesAt } : {}),
    };
  }
  // pauseOnBattery is on unless turned off (the schema's default).
  if (onBattery && settings.pauseOnBattery !== false) {
    return {
      allowed: false,
      code: "ON_BATTERY",
      reason: "paused: on battery power (mining resumes when the computer is plugged in)",
    };
  }
  const yielding = yieldReason(settings, activity, ownPids);
  if (yielding) return { allowed: false, code: yielding.code, reason: yielding.reason };
  if (settings.idleOnly && idleSeconds < settings.idleMinutes * 60) {
    return {
      allowed: false,
      code: "USER_ACTIVE",
      reason: `paused: you are using this computer (mining starts after ${settings.idleMinutes} min idle)`,
    };
  }
  return { allowed: true, reason: settings.idleOnly ? "mining while you are away" : "mining" };
}
