import type { PowerMonitor } from "electron";
import type { IdleSource } from "../scheduler/mining-gate.js";

/** The desktop's idle time for the mining gate: seconds since the last keyboard or mouse input. */
export function powerMonitorIdleSource(powerMonitor: Pick<PowerMonitor, "getSystemIdleTime">): IdleSource {
  return { idleSeconds: () => powerMonitor.getSystemIdleTime() };
}
