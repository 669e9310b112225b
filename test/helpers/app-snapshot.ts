import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";

/** A mining app snapshot with nothing in it, for tests that follow snapshots and patches. */
export function appSnapshot(overrides: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    appVersion: "0.0.0-test",
    mining: { state: "mining", reason: "mining" },
    network: { name: "devnet", connected: true },
    tasks: [],
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: defaultSettings(),
    ...overrides,
  };
}
