import { z } from "zod";
import { ErrorShape } from "./errors.js";
import {
  BenchmarkResultView,
  ChainAction,
  GasEstimate,
  HardwareReport,
  LiveSample,
  LogLevel,
  LogLine,
  ModelListEntry,
  SetupState,
  TaskDetail,
  TaskFilter,
  TaskPage,
  TxResult,
  UpdateView,
  Wei,
} from "./app-views.js";
import { MiningStatus, PatchMessage, SnapshotMessage } from "./app-snapshot.js";
import { Settings, SettingsUpdate } from "./settings-schema.js";

export * from "./app-snapshot.js";

/**
 * The renderer ↔ main contract (in the style of lmstudio-js backend interfaces): a table of invoke
 * methods (renderer asks, main answers) and a table of push channels (main tells). Both adapters — the
 * Electron preload and the headless HTTP/WebSocket client — and main's handlers are derived from these
 * tables, so adding a method here is the only place its name is written.
 */

const NoParams = z.object({}).strict();
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const Password = z.string().min(8, "use a password of at least 8 characters");
const ModelId = z.object({ id: z.string().min(1) }).strict();

interface InvokeSpec {
  readonly params: z.ZodType;
  readonly result: z.ZodType;
  readonly summary: string;
}

export const invokeMethods = {
  getSnapshot: { params: NoParams, result: SnapshotMessage, summary: "The whole state, with its revision." },
  startMining: { params: NoParams, result: MiningStatus, summary: "Start (or resume) mining." },
  stopMining: {
    // force: stop at once, abandoning the tasks in flight; a second call while stopping does the same.
    params: z.object({ force: z.boolean().default(false) }).strict(),
    result: MiningStatus,
    summary: "Stop taking new work, finish the tasks in flight, then stop (force: at once).",
  },
  getSettings: { params: NoParams, result: Settings, summary: "The saved settings." },
  updateSettings: { params: SettingsUpdate, result: Settings, summary: "Validate, save and return new settings." },

  // First run and hardware.
  getHardware: { params: NoParams, result: HardwareReport, summary: "Probe this machine and fit the catalogue to it." },
  completeSetupStep: {
    params: z.object({ step: z.enum(["hardware"]) }).strict(),
    result: SetupState,
    summary: "Mark an informational step seen.",
  },

  // Wallet. Secrets go in (import, passwords) but only the recovery phrase comes out, once, after a password check.
  createWallet: {
    params: z.object({ password: Password }).strict(),
    result: z.object({ address: Address }).strict(),
    summary: "Create and encrypt a new wallet.",
  },
  importWallet: {
    params: z
      .object({
        source: z.enum(["privateKey", "mnemonic", "keystore"]),
        secret: z.string().min(1, "paste the key, phrase or keystore JSON"),
        password: Password,
        /** The imported keystore's own password, when it differs from the new one. */
        keystorePassword: z.string().optional(),
      })
      .strict(),
    result: z.object({ address: Address }).strict(),
    summary: "Import a wallet and encrypt it with the password.",
  },
  unlockWallet: {
    params: z
      .object({ password: z.string().min(1, "enter your wallet password"), remember: z.boolean().optional() })
      .strict(),
    result: z.object({ address: Address }).strict(),
    summary: "Unlock the saved wallet (remember: keep it unlocked through the OS keychain where available).",
  },
  revealRecoveryPhrase: {
    params: z.object({ password: z.string().min(1) }).strict(),
    result: z.object({ words: z.array(z.string()).min(12) }).strict(),
    summary: "The recovery phrase, shown once for the back-up step; refused after confirmBackup.",
  },
  confirmBackup: { params: NoParams, result: SetupState, summary: "The user wrote the phrase down." },
  exportKeystore: {
    params: z.object({ password: z.string().min(1) }).strict(),
    result: z.object({ fileName: z.string(), json: z.string() }).strict(),
    summary: "The encrypted keystore JSON, after a password check.",
  },

  // Chain actions: estimate first, then the user approves.
  estimateAction: {
    // `to`: the destination of withdrawTo (checked by main: checksum, not one of the protocol's contracts).
    params: z.object({ action: ChainAction, amountWei: Wei.optional(), to: Address.optional() }).strict(),
    result: GasEstimate,
    summary: "Gas and fee of an action before approving it.",
  },
  register: {
    params: z.object({ stakeWei: Wei }).strict(),
    result: TxResult,
    summary: "Register as a miner with the active model and this stake.",
  },
  topUpStake: { params: z.object({ amountWei: Wei }).strict(), result: TxResult, summary: "Add stake." },
  unbond: {
    params: z.object({ amountWei: Wei.optional() }).strict(),
    result: TxResult,
    summary: "Start unbonding stake (all when no amount).",
  },
  withdrawStake: { params: NoParams, result: TxResult, summary: "Withdraw stake whose unbonding period is over." },
  claimRewards: { params: NoParams, result: TxResult, summary: "Withdraw the claimable rewards to the wallet." },
  withdrawTo: {
    params: z.object({ to: Address, amountWei: Wei }).strict(),
    result: TxResult,
    summary: "Send POUW from the wallet to an external address (its checksum checked; never a protocol contract).",
  },

  // Models and benchmark; progress arrives in the snapshot's `downloads` and `benchmark`.
  listModels: {
    params: NoParams,
    result: z.array(ModelListEntry),
    summary: "The catalogue with this machine's fit, installed and active models.",
  },
  downloadModel: {
    params: ModelId,
    result: z.object({ started: z.boolean() }).strict(),
    summary: "Start (or resume) a download.",
  },
  cancelDownload: {
    params: ModelId,
    result: z.object({ cancelled: z.boolean() }).strict(),
    summary: "Stop a download; what was fetched is kept for resuming.",
  },
  deleteModel: {
    params: ModelId,
    result: z.object({ deleted: z.boolean() }).strict(),
    summary: "Delete a downloaded model (not the active one).",
  },
  setActiveModel: {
    params: ModelId,
    result: z.object({ activeModelId: z.string() }).strict(),
    summary: "Serve this installed model.",
  },
  importModel: {
    // A path on the miner's computer: typed (headless) or chosen in the desktop app's file dialog.
    params: z.object({ path: z.string().trim().min(1, "enter the path of a .gguf file") }).strict(),
    result: ModelListEntry,
    summary: "Copy a GGUF file from this computer into the models folder (validated, hashed) and list it with its fit.",
  },
  runBenchmark: {
    params: z.object({ id: z.string().optional() }).strict(),
    result: BenchmarkResultView,
    summary: "Measure tokens/s of a model (the active one by default).",
  },
  cancelBenchmark: {
    params: NoParams,
    result: z.object({ cancelled: z.boolean() }).strict(),
    summary: "Stop a running benchmark.",
  },

  // History, live readings, logs.
  listTasks: { params: TaskFilter, result: TaskPage, summary: "Task history, newest first, filtered and paged." },
  getTask: { params: z.object({ id: z.string() }).strict(), result: TaskDetail, summary: "One task's whole record." },
  getSamples: { params: NoParams, result: z.array(LiveSample), summary: "Recent hardware readings, oldest first." },
  getLogs: {
    params: z.object({ level: LogLevel.optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
    result: z.array(LogLine),
    summary: "Recent log lines, oldest first.",
  },

  // Auto-update (desktop app); progress arrives in the snapshot's `update`.
  checkForUpdate: {
    params: NoParams,
    result: UpdateView,
    summary: "Ask the update feed now; a newer release downloads in the background.",
  },
  installUpdate: {
    params: NoParams,
    result: UpdateView,
    summary: "Restart into the downloaded update once no task is in flight (drains first).",
  },
} as const satisfies Record<string, InvokeSpec>;

export const pushChannels = {
  snapshot: SnapshotMessage,
  patch: PatchMessage,
  /** A hardware reading every few seconds; the renderer keeps its own window of them. */
  sample: LiveSample,
  /** Each new log line, for the live tail. */
  log: LogLine,
} as const satisfies Record<string, z.ZodType>;

export type InvokeMethod = keyof typeof invokeMethods;
export type PushChannel = keyof typeof pushChannels;
export type InvokeParams<M extends InvokeMethod> = z.input<(typeof invokeMethods)[M]["params"]>;
export type InvokeResult<M extends InvokeMethod> = z.infer<(typeof invokeMethods)[M]["result"]>;
export type PushPayload<C extends PushChannel> = z.infer<(typeof pushChannels)[C]>;

export const invokeMethodNames = Object.freeze(Object.keys(invokeMethods) as InvokeMethod[]);
export const pushChannelNames = Object.freeze(Object.keys(pushChannels) as PushChannel[]);

/** The one derivation of wire names; nothing else spells a channel string. */
export const ipcChannels = Object.freeze({
  invoke: Object.freeze(
    Object.fromEntries(invokeMethodNames.map((m) => [m, `pouw:invoke:${m}`])) as {
      readonly [M in InvokeMethod]: `pouw:invoke:${M}`;
    },
  ),
  push: Object.freeze(
    Object.fromEntries(pushChannelNames.map((c) => [c, `pouw:push:${c}`])) as {
      readonly [C in PushChannel]: `pouw:push:${C}`;
    },
  ),
});
export const allIpcChannels: readonly string[] = Object.freeze([
  ...Object.values(ipcChannels.invoke),
  ...Object.values(ipcChannels.push),
]);

export function isInvokeMethod(name: unknown): name is InvokeMethod {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(invokeMethods, name);
}

/** Every answer to an invoke, on every transport: errors travel as data so their code survives. */
export type InvokeEnvelope<M extends InvokeMethod> =
  { ok: true; result: InvokeResult<M> } | { ok: false; error: ErrorShape };
export const InvokeEnvelopeShape = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: ErrorShape }).strict(),
]);

type SubscribeName<C extends string> = `on${Capitalize<C>}`;
export function subscribeFunctionName<C extends PushChannel>(channel: C): SubscribeName<C> {
  return `on${channel.charAt(0).toUpperCase()}${channel.slice(1)}` as SubscribeName<C>;
}

/**
 * What the preload exposes as `window.pouw`: one function per invoke method and one subscribe
 * function per push channel, nothing else (never ipcRenderer itself).
 */
export type PouwBridge = {
  readonly [M in InvokeMethod]: (params: InvokeParams<M>) => Promise<InvokeEnvelope<M>>;
} & {
  readonly [C in PushChannel as SubscribeName<C>]: (listener: (payload: PushPayload<C>) => void) => () => void;
};

export const bridgeFunctionNames: readonly string[] = Object.freeze([
  ...invokeMethodNames,
  ...pushChannelNames.map(subscribeFunctionName),
]);

/**
 * The desktop shell's own functions, beside the contract: things only the Electron app can do for
 * the page (a native file dialog). The preload exposes them as `window.pouwShell`; the headless
 * dashboard has none and asks the user to type instead. Main checks whatever comes back through
 * the contract as usual (a chosen file is still validated by importModel).
 */
export const shellChannels = Object.freeze({ chooseModelFile: "pouw:shell:chooseModelFile" } as const);
export interface PouwShell {
  /** The path of a .gguf file the user picked, or null when they cancelled. */
  readonly chooseModelFile: () => Promise<string | null>;
}
