import { z } from "zod";
import { ErrorShape } from "./errors.js";
import { PatchOp } from "./json-patch.js";
import { Settings, SettingsUpdate } from "./settings-schema.js";

/**
 * The renderer ↔ main contract (in the style of lmstudio-js backend interfaces): a table of invoke
 * methods (renderer asks, main answers) and a table of push channels (main tells). Both adapters — the
 * Electron preload and the headless HTTP/WebSocket client — and main's handlers are derived from these
 * tables, so adding a method here is the only place its name is written.
 */

export const MiningStateName = z.enum(["stopped", "starting", "mining", "paused", "error"]);
export type MiningStateName = z.infer<typeof MiningStateName>;

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

/** A task this miner takes part in; `stage` is the PoUW session stage (Request … End). */
export const TaskSummary = z
  .object({ id: z.string(), stage: z.string(), modelId: z.string().optional(), updatedAt: z.number() })
  .strict();
export type TaskSummary = z.infer<typeof TaskSummary>;

/** Amounts are decimal strings of wei: bigint does not survive JSON or structured clone everywhere. */
const Wei = z.string().regex(/^\d+$/, "wei amounts are decimal strings");
export const Earnings = z
  .object({ totalWei: Wei, sessionWei: Wei, tasksCompleted: z.number().int().nonnegative() })
  .strict();
export type Earnings = z.infer<typeof Earnings>;

export const AppSnapshot = z
  .object({
    appVersion: z.string(),
    mining: MiningStatus,
    network: NetworkInfo,
    walletAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
    hardware: HardwareSummary.optional(),
    tasks: z.array(TaskSummary),
    earnings: Earnings,
    settings: Settings,
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

export const ModelListEntry = z
  .object({ id: z.string(), name: z.string(), installed: z.boolean(), active: z.boolean() })
  .strict();
export type ModelListEntry = z.infer<typeof ModelListEntry>;

const NoParams = z.object({}).strict();

interface InvokeSpec {
  readonly params: z.ZodType;
  readonly result: z.ZodType;
  readonly summary: string;
}

export const invokeMethods = {
  getSnapshot: { params: NoParams, result: SnapshotMessage, summary: "The whole state, with its revision." },
  startMining: { params: NoParams, result: MiningStatus, summary: "Start (or resume) mining." },
  stopMining: { params: NoParams, result: MiningStatus, summary: "Stop mining after the current step." },
  getSettings: { params: NoParams, result: Settings, summary: "The saved settings." },
  updateSettings: { params: SettingsUpdate, result: Settings, summary: "Validate, save and return new settings." },
  // Filled by the model-management issue; until then the core lists the models it knows of.
  listModels: { params: NoParams, result: z.array(ModelListEntry), summary: "Models the miner can serve." },
} as const satisfies Record<string, InvokeSpec>;

export const pushChannels = {
  snapshot: SnapshotMessage,
  patch: PatchMessage,
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
  invoke: Object.freeze(Object.fromEntries(invokeMethodNames.map((m) => [m, `pouw:invoke:${m}`])) as {
    readonly [M in InvokeMethod]: `pouw:invoke:${M}`;
  }),
  push: Object.freeze(Object.fromEntries(pushChannelNames.map((c) => [c, `pouw:push:${c}`])) as {
    readonly [C in PushChannel]: `pouw:push:${C}`;
  }),
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
  | { ok: true; result: InvokeResult<M> }
  | { ok: false; error: ErrorShape };
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
