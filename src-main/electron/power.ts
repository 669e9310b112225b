import type { PowerMonitor, PowerSaveBlocker } from "electron";
import type { MiningCore } from "../session/main-core.js";
import { keepAwakeWhileBusy } from "../desktop/keep-awake.js";
import type { BatterySource } from "../scheduler/mining-gate.js";

type PowerEvent = "on-battery" | "on-ac";

/** Battery or mains for the mining gate (pauseOnBattery), from Electron's powerMonitor and its events. */
export function powerMonitorBatterySource(
  powerMonitor: Pick<PowerMonitor, "isOnBatteryPower"> & {
    on(event: PowerEvent, listener: () => void): unknown;
    removeListener(event: PowerEvent, listener: () => void): unknown;
  },
): BatterySource {
  return {
    onBattery: () => {
      try {
        return powerMonitor.isOnBatteryPower();
      } catch {
        return false; // unknown: not on battery
      }
    },
    watch(listener) {
      powerMonitor.on("on-battery", listener);
      powerMonitor.on("on-ac", listener);
      return () => {
        powerMonitor.removeListener("on-battery", listener);
        powerMonitor.removeListener("on-ac", listener);
      };
    },
  };
}

/**
 * Keeps the system from suspending while a task is in flight (the screen may still sleep):
 * `prevent-app-suspension` from the first task in flight until none is left. Returns the stop function.
 */
export function installKeepAwake(
  core: Pick<MiningCore, "getSnapshot" | "onPatch">,
  blocker: Pick<PowerSaveBlocker, "start" | "stop">,
): () => void {
  return keepAwakeWhileBusy(core, {
    start: () => blocker.start("prevent-app-suspension"),
    stop: (id) => {
      blocker.stop(id);
    },
  });
}
