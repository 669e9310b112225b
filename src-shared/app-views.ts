import { z } from "zod";
import { ModelRole } from "./catalogue.js";
import { ErrorCode } from "./errors.js";
import { Fit as FitSchema } from "./fit.js";
import { HardwareProbe, HardwareSample } from "./hardware.js";
import { SlotOutcome, TaskState } from "./pouw-states.js";
import { Progress } from "./progress.js";

/**
 * The shapes the dashboard shows, as main sends them (part of the renderer ↔ main contract,
 * src-shared/app-contract.ts). Times are epoch milliseconds (what `new Date()` takes); amounts are
 * decimal strings of wei, because bigint survives neither JSON nor every structured clone.
 */
export const Wei = z.string().regex(/^\d+$/, "wei amounts are decimal strings");
const Millis = z.number().nonnegative();

/** First run: each step is resumable, so main keeps which ones are done, not the renderer. */
export const SetupStepName = z.enum(["hardware", "wallet", "backup", "model", "benchmark", "register"]);
export type SetupStepName = z.infer<typeof SetupStepName>;
export const SETUP_STEPS = SetupStepName.options;

export const SetupState = z
  .object({
    /** Steps done (a skipped back-up counts as not done, and the wallet page keeps reminding). */
    done: z.array(SetupStepName),
    /** True once the miner can mine: wallet unlocked, model installed, registered on chain. */
    complete: z.boolean(),
    /** "none": no keystore yet; "locked": a keystore waiting for its password; "unlocked": in use. */
    wallet: z.enum(["none", "locked", "unlocked"]),
  })
  .strict();
export type SetupState = z.infer<typeof SetupState>;

export const WalletView = z
  .object({
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    /** Native currency (pays gas). */
    nativeWei: Wei,
    /** Network token (stake and rewards). */
    tokenWei: Wei,
    stakeWei: Wei,
    claimableWei: Wei,
    backedUp: z.boolean(),
    updatedAt: Millis,
  })
  .strict();
export type WalletView = z.infer<typeof WalletView>;

export const RegistrationView = z
  .object({
    registered: z.boolean(),
    stakeWei: Wei,
    minStakeWei: Wei,
    /** Model names this miner declared on chain. */
    models: z.array(z.string()),
    /** Tokens per second declared (from the benchmark). */
    speed: z.number().nonnegative(),
    /** Unbonding stake and when it can be withdrawn, when any. */
    unbondingWei: Wei.optional(),
    unbondingUntil: Millis.optional(),
  })
  .strict();
export type RegistrationView = z.infer<typeof RegistrationView>;

export const TaskStateStamp = z.object({ state: TaskState, at: Millis, txHash: z.string().optional() }).strict();
export type TaskStateStamp = z.infer<typeof TaskStateStamp>;

/**
 * A task this miner takes part in, as the live list and the history table show it: built from its
 * record in one place (src-main/miner/task-queries.ts). Only what a record may not know yet is optional.
 */
export const TaskSummary = z
  .object({
    /** `<taskId>#<slot>`. */
    id: z.string(),
    /** The last PoUW state the chain confirmed (Request … End). */
    stage: TaskState,
    /** The on-chain model id (keccak256 of the model's on-chain name). */
    modelId: z.string(),
    /** The model's name when main knows the on-chain id (one it serves or lists). */
    modelName: z.string().optional(),
    /** When the last state was confirmed. */
    updatedAt: Millis,
    kind: z.enum(["user", "background"]),
    /** Every state the chain confirmed for this slot, oldest first. */
    states: z.array(TaskStateStamp),
    /** When the current state's deadline passes; absent once ended, or while it was not read yet. */
    deadlineAt: Millis.optional(),
    /** How the slot ended; absent while in flight. */
    outcome: SlotOutcome.optional(),
    /** Reward credited so far ("0" until the task settles). */
    rewardWei: Wei,
    /** Tokens generated; absent until the inference finished. */
    tokens: z.number().int().nonnegative().optional(),
  })
  .strict();
export type TaskSummary = z.infer<typeof TaskSummary>;

/** One task's whole record, for the detail view. */
export const TaskDetail = TaskSummary.extend({
  priority: z.number().int().nonnegative(),
  promptPreview: z.string().optional(),
  outputPreview: z.string().optional(),
  inferenceMs: z.number().nonnegative().optional(),
  poiScoreBps: z.number().int().min(0).max(10_000).optional(),
  gasSpentWei: Wei,
}).strict();
export type TaskDetail = z.infer<typeof TaskDetail>;

export const TaskFilter = z
  .object({
    kind: z.enum(["user", "background"]).optional(),
    outcome: SlotOutcome.optional(),
    /** Only tasks still in flight (not in End). */
    active: z.boolean().optional(),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(200).default(25),
  })
  .strict();
export type TaskFilter = z.input<typeof TaskFilter>;
export const TaskPage = z.object({ total: z.number().int().nonnegative(), rows: z.array(TaskSummary) }).strict();
export type TaskPage = z.infer<typeof TaskPage>;

/** Rewards (network token) and gas (native) are different assets: kept apart, netted by the UI's label. */
export const EarningsPeriod = z
  .object({ userWei: Wei, backgroundWei: Wei, gasWei: Wei, tasks: z.number().int().nonnegative() })
  .strict();
export type EarningsPeriod = z.infer<typeof EarningsPeriod>;
export const EarningsBucket = EarningsPeriod.extend({ start: Millis }).strict();
export type EarningsBucket = z.infer<typeof EarningsBucket>;

export const Earnings = z
  .object({
    totalWei: Wei,
    sessionWei: Wei,
    tasksCompleted: z.number().int().nonnegative(),
    today: EarningsPeriod.optional(),
    week: EarningsPeriod.optional(),
    month: EarningsPeriod.optional(),
    /** Expected reward per day from the benchmark and recent demand: a projection, never a promise. */
    projectedDailyWei: Wei.optional(),
    /** The last 24 hours by hour, and the last 30 days by day, oldest first. */
    hourly: z.array(EarningsBucket).optional(),
    daily: z.array(EarningsBucket).optional(),
  })
  .strict();
export type Earnings = z.infer<typeof Earnings>;

export const DownloadView = z
  .object({
    state: z.enum(["running", "done", "error", "cancelled"]),
    progress: Progress.optional(),
    error: z.string().optional(),
  })
  .strict();
export type DownloadView = z.infer<typeof DownloadView>;

export const BenchmarkResultView = z
  .object({
    modelId: z.string(),
    tokensPerSecond: z.number().nonnegative(),
    at: Millis,
    threads: z.number().int().positive().optional(),
  })
  .strict();
export type BenchmarkResultView = z.infer<typeof BenchmarkResultView>;
export const BenchmarkView = z
  .object({
    running: z.boolean(),
    progress: Progress.optional(),
    result: BenchmarkResultView.optional(),
    error: z.string().optional(),
  })
  .strict();
export type BenchmarkView = z.infer<typeof BenchmarkView>;

/** A catalogue model as the Models page shows it on this machine. */
export const ModelListEntry = z
  .object({
    id: z.string(),
    name: z.string(),
    installed: z.boolean(),
    active: z.boolean(),
    role: ModelRole.optional(),
    sizeBytes: z.number().nonnegative().optional(),
    parameters: z.number().nonnegative().optional(),
    fit: FitSchema.optional(),
    fitReason: z.string().optional(),
    recommended: z.boolean().optional(),
    benchmark: BenchmarkResultView.optional(),
    quantization: z.string().optional(),
    license: z.string().optional(),
    description: z.string().optional(),
    /** Generation speed on this machine: its own benchmark, else scaled from another model measured here. */
    expectedSpeed: z
      .object({ tokensPerSecond: z.number().nonnegative(), source: z.enum(["measured", "estimated"]) })
      .strict()
      .optional(),
  })
  .strict();
export type ModelListEntry = z.infer<typeof ModelListEntry>;

export const HardwareReport = z
  .object({
    probe: HardwareProbe,
    fit: z.array(z.object({ id: z.string(), fit: FitSchema, reason: z.string() }).strict()),
    recommended: z.string().optional(),
  })
  .strict();
export type HardwareReport = z.infer<typeof HardwareReport>;

/** A hardware reading plus the miner's own generation speed at that moment. */
export const LiveSample = HardwareSample.extend({ tokensPerSecond: z.number().nonnegative().optional() });
export type LiveSample = z.infer<typeof LiveSample>;

export const LogLevel = z.enum(["debug", "info", "warn", "error"]);
export type LogLevel = z.infer<typeof LogLevel>;
export const LogLine = z.object({ at: Millis, level: LogLevel, message: z.string() }).strict();
export type LogLine = z.infer<typeof LogLine>;

/** What a user-approved chain action will cost, shown before they approve it. */
/** `withdrawTo`: POUW from the wallet to an external address (rewards out). */
export const ChainAction = z.enum(["register", "topUp", "unbond", "withdrawStake", "claim", "withdrawTo"]);
export type ChainAction = z.infer<typeof ChainAction>;
export const GasEstimate = z
  .object({
    action: ChainAction,
    gasLimit: z.string().regex(/^\d+$/),
    feeWei: Wei,
    /** False when the wallet cannot pay it; `message` then says what is missing. */
    affordable: z.boolean(),
    message: z.string().optional(),
  })
  .strict();
export type GasEstimate = z.infer<typeof GasEstimate>;
export const TxResult = z.object({ txHash: z.string(), amountWei: Wei.optional() }).strict();
export type TxResult = z.infer<typeof TxResult>;

/**
 * Auto-update (the desktop app only; the headless miner has none and its snapshot has no `update`):
 * docs/electron.md, "Updates". Versions are the release's own (semver, as electron-builder writes them).
 */
const UpdateVersion = z.string().regex(/^[0-9A-Za-z.+-]+$/, "a version like 1.2.3");
export const UpdateStatus = z.discriminatedUnion("state", [
  z.object({ state: z.literal("idle") }).strict(),
  z.object({ state: z.literal("checking") }).strict(),
  z.object({ state: z.literal("up-to-date") }).strict(),
  /** A newer release is out; it downloads at once unless a verified download already waits to be installed. */
  z.object({ state: z.literal("available"), version: UpdateVersion }).strict(),
  z
    .object({
      state: z.literal("downloading"),
      version: UpdateVersion,
      percent: z.number().min(0).max(100),
      bytesPerSecond: z.number().nonnegative(),
      transferred: z.number().nonnegative(),
      total: z.number().nonnegative(),
    })
    .strict(),
  z.object({ state: z.literal("downloaded"), version: UpdateVersion }).strict(),
  /** Restart asked: waiting for the tasks in flight to finish (the draining stop), then the app restarts into it. */
  z
    .object({ state: z.literal("installing"), version: UpdateVersion, waitingFor: z.number().int().nonnegative() })
    .strict(),
  z.object({ state: z.literal("error"), code: ErrorCode, message: z.string() }).strict(),
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** This version failed to open its session twice in a row after an update: how to go back. */
export const RollbackOffer = z
  .object({
    version: UpdateVersion,
    previousVersion: UpdateVersion,
    /** One line saying so and what to do. */
    message: z.string(),
    /** The previous version's installer, kept on this computer. */
    installerPath: z.string().optional(),
    /** Where the previous version can be downloaded again, when no installer was kept. */
    url: z.string().optional(),
  })
  .strict();
export type RollbackOffer = z.infer<typeof RollbackOffer>;

export const UpdateView = z
  .object({
    currentVersion: UpdateVersion,
    status: UpdateStatus,
    /** A verified download waiting to be installed; kept through later checks and failed downloads. */
    ready: z.object({ version: UpdateVersion }).strict().optional(),
    checkedAt: Millis.optional(),
    nextCheckAt: Millis.optional(),
    rollback: RollbackOffer.optional(),
  })
  .strict();
export type UpdateView = z.infer<typeof UpdateView>;
