import { z } from "zod";
import { PatchOp } from "./json-patch.js";
import {
  BenchmarkView,
  DownloadView,
  Earnings,
  ModelListEntry,
  RegistrationView,
  SetupState,
  TaskSummary,
  UpdateView,
  WalletView,
} from "./app-views.js";
import { Settings } from "./settings-schema.js";

// The state half of the renderer ↔ main contract (app-contract.ts): the snapshot main owns and the
// messages that carry it and its patches.

/** `stopping`: no new work is taken while the tasks already accepted finish (a draining stop). */
/** degraded: mining is on but cannot work right now (chain unreachable, disk full, local network restarting); the reason says which. */
export const MiningStateName = z.enum(["stopped", "starting", "mining", "degraded", "paused", "stopping", "error"]);
export type MiningStateName = z.infer<typeof MiningStateName>;

/** Each mining state in words, as the dashboard, the tray and notifications show it. */
export const MINING_STATE_LABELS: Readonly<Record<MiningStateName, string>> = {
  stopped: "Stopped",
  starting: "Starting",
  mining: "Mining",
  degraded: "Degraded",
  paused: "Paused",
  stopping: "Stopping",
  error: "Error",
};

/** `reason` is always shown next to the state, so it is one line a person can act on. */
export const MiningStatus = z.object({ state: MiningStateName, reason: z.string() }).strict();
export type MiningStatus = z.infer<typeof MiningStatus>;

export const NetworkInfo = z
  .object({
    name: z.string(),
    chainId: z.number().int().nonnegative().optional(),
    connected: z.boolean(),
    blockNumber: z.number().int().nonnegative().optional(),
  })
  .strict();
export type NetworkInfo = z.infer<typeof NetworkInfo>;

export const HardwareSummary = z
  .object({
    cpu: z.string(),
    logicalCores: z.number().int().positive(),
    memoryBytes: z.number().nonnegative(),
    gpu: z.string().optional(),
  })
  .strict();
export type HardwareSummary = z.infer<typeof HardwareSummary>;

export { Earnings, ModelListEntry, TaskSummary };

export const AppSnapshot = z
  .object({
    appVersion: z.string(),
    mining: MiningStatus,
    network: NetworkInfo,
    walletAddress: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .optional(),
    hardware: HardwareSummary.optional(),
    tasks: z.array(TaskSummary),
    earnings: Earnings,
    settings: Settings,
    /** First-run progress; absent from cores that need no set-up (the in-memory preview). */
    setup: SetupState.optional(),
    wallet: WalletView.optional(),
    registration: RegistrationView.optional(),
    /** The model the worker serves now. */
    activeModelId: z.string().optional(),
    /** Downloads by catalogue id, while running and after (done, error, cancelled) until dismissed. */
    downloads: z.record(z.string(), DownloadView).optional(),
    benchmark: BenchmarkView.optional(),
    /** Auto-update of the desktop app; absent where there is no updater (headless, a source checkout). */
    update: UpdateView.optional(),
  })
  .strict();
export type AppSnapshot = z.infer<typeof AppSnapshot>;

/**
 * `rev` counts changes: a patch with rev N applies only to the snapshot with rev N-1. A client that
 * sees a gap asks for a fresh snapshot instead of guessing.
 */
export const SnapshotMessage = z.object({ rev: z.number().int().nonnegative(), snapshot: AppSnapshot }).strict();
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;
export const PatchMessage = z.object({ rev: z.number().int().positive(), ops: z.array(PatchOp) }).strict();
export type PatchMessage = z.infer<typeof PatchMessage>;
