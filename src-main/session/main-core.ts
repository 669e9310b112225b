import type { z } from "zod";
import type {
  InvokeMethod,
  InvokeResult,
  MiningStatus,
  ModelListEntry,
  PatchMessage,
  PushChannel,
  PushPayload,
  SnapshotMessage,
  invokeMethods,
} from "../../src-shared/app-contract.js";
import type { Settings } from "../../src-shared/settings-schema.js";

/** Params as a handler receives them: validated by the contract's schema, defaults applied. */
export type ParsedParams<M extends InvokeMethod> = z.infer<(typeof invokeMethods)[M]["params"]>;

/** Push channels that carry live changes after the snapshot (everything but the snapshot itself). */
export type LiveChannel = Exclude<PushChannel, "snapshot">;

/**
 * The mining part of a core: snapshot, patches, start/stop, settings. The app session has it among
 * the rest of MainCore; `createMinerCore` (the miner alone, for the chain tests and the bench) is only this.
 */
export interface MiningCore {
  getSnapshot(): SnapshotMessage;
  /** Every change after the snapshot, in rev order. Returns the unsubscribe function. */
  onPatch(listener: (patch: PatchMessage) => void): () => void;
  startMining(): Promise<MiningStatus>;
  /** Drains (no new work, tasks in flight finish, then stops); `force`, or a second call while draining, stops at once. */
  stopMining(params?: { force?: boolean }): Promise<MiningStatus>;
  getSettings(): Settings;
  /** `update` is unvalidated input; throws PouwError INVALID_PARAMS when it is wrong. */
  updateSettings(update: unknown): Promise<Settings>;
  listModels(): Promise<ModelListEntry[]>;
  close(): Promise<void>;
}

/** The contract methods beyond MiningCore's, each taking its parsed params. */
type ActionMethod = Exclude<
  InvokeMethod,
  "getSnapshot" | "startMining" | "stopMining" | "getSettings" | "updateSettings" | "listModels"
>;
export type CoreActions = { [M in ActionMethod]: (params: ParsedParams<M>) => Promise<InvokeResult<M>> };

/**
 * What the Electron shell and the headless HTTP server both talk to: the whole app contract
 * (src-shared/app-contract.ts). The app session (app-session.ts) is the real one; the in-memory
 * core (memory-core.ts) is a preview and test double.
 */
export interface MainCore extends MiningCore, CoreActions {
  /** Live pushes of one channel (patch, sample, log). Returns the unsubscribe function. */
  subscribe<C extends LiveChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void;
}
