import type { AppSnapshot } from "../../../../src-shared/app-contract.js";
import { defaultSettings } from "../../../../src-shared/settings-schema.js";

/** A plausible stopped-miner snapshot, for the memory client in component tests and UI previews. */
export function previewSnapshot(overrides: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    appVersion: "0.0.0-preview",
    mining: { state: "stopped", reason: "Mining has not been started" },
    network: { name: "devnet", connected: false },
    tasks: [],
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: defaultSettings(),
    ...overrides,
  };
}
