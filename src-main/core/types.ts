import type { MiningStatus, ModelListEntry, PatchMessage, SnapshotMessage } from "../../src-shared/app-contract.js";
import type { Settings } from "../../src-shared/settings-schema.js";

/**
 * What the Electron shell and the headless HTTP server both talk to. The in-memory core
 * (memory-core.ts) stands in until the real miner core (chain sync, worker, wallet) implements this.
 */
export interface MainCore {
  getSnapshot(): SnapshotMessage;
  /** Every change after the snapshot, in rev order. Returns the unsubscribe function. */
  onPatch(listener: (patch: PatchMessage) => void): () => void;
  startMining(): Promise<MiningStatus>;
  stopMining(): Promise<MiningStatus>;
  getSettings(): Settings;
  /** `update` is unvalidated input; throws PouwError INVALID_PARAMS when it is wrong. */
  updateSettings(update: unknown): Promise<Settings>;
  listModels(): Promise<ModelListEntry[]>;
  close(): Promise<void>;
}
