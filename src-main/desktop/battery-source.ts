import type { BatterySource } from "../scheduler/mining-gate.js";

/** What systeminformation's battery() tells that matters here. */
export interface BatteryReading {
  hasBattery: boolean;
  acConnected: boolean;
}

export interface PolledBatteryOptions {
  /** Default: systeminformation's battery(), loaded when first needed. */
  read?: () => Promise<BatteryReading>;
  /** How often to look again while watched; unplugging is noticed within this. */
  intervalMs?: number;
}

export const BATTERY_POLL_MS = 20_000;

async function systemBattery(): Promise<BatteryReading> {
  const { default: si } = await import("systeminformation");
  return si.battery();
}

/** On battery only when the machine has one and no mains is connected; anything else (a desktop, an error) is not. */
export function onBatteryOf(reading: BatteryReading): boolean {
  return reading.hasBattery && !reading.acConnected;
}

/**
 * The headless miner's battery source: systeminformation read on a timer while the mining gate
 * watches it (Electron's app uses powerMonitor instead). Never fails as a whole: a reading that
 * fails means "unknown", which counts as not on battery. Until the first reading: not on battery.
 */
export function polledBatterySource(opts: PolledBatteryOptions = {}): BatterySource {
  const read = opts.read ?? systemBattery;
  const listeners = new Set<() => void>();
  let onBattery = false;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;

  const poll = async (): Promise<void> => {
    // A slow reading (WMI on Windows takes seconds) is not stacked under the next one.
    if (reading) return;
    reading = true;
    let next: boolean;
    try {
      next = onBatteryOf(await read());
    } catch {
      next = false;
    } finally {
      reading = false;
    }
    if (next === onBattery) return;
    onBattery = next;
    for (const listener of listeners) listener();
  };

  return {
    onBattery: () => onBattery,
    watch(listener) {
      listeners.add(listener);
      if (!timer) {
        void poll();
        timer = setInterval(() => void poll(), opts.intervalMs ?? BATTERY_POLL_MS);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !timer) return;
        clearInterval(timer);
        timer = undefined;
      };
    },
  };
}
