import { z } from "zod";
import { ErrorShape } from "./errors.js";
import { HardwareProbe, HardwareSample } from "./hardware.js";
import { Progress } from "./progress.js";

/**
 * The main↔worker protocol, and the only place it is spelled out. Both sides parse every message
 * with these schemas, so a message either side cannot understand becomes a typed error, never a
 * half-read object.
 */
export const WORKER_PROTOCOL_VERSION = 1;

/** How often each side says it is alive, and how long the other waits before giving up on it. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
export const HEARTBEAT_TIMEOUT_MS = 15_000;

const PositiveInt = z.number().int().positive();

export const LoadModelParams = z.strictObject({
  path: z.string().min(1),
  /** Layers offloaded to the GPU; "auto" lets node-llama-cpp fit as many as memory allows. */
  gpuLayers: z.union([z.number().int().min(0), z.literal("auto")]).optional(),
  threads: PositiveInt.max(512).optional(),
  contextSize: PositiveInt.min(16)
    .max(1 << 20)
    .optional(),
  /** When given, the file is hashed and must match before it is loaded. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "sha256 must be 64 hex digits")
    .optional(),
});
export type LoadModelParams = z.infer<typeof LoadModelParams>;

export const ModelInfo = z.object({
  path: z.string(),
  sizeBytes: z.number().nonnegative(),
  architecture: z.string().optional(),
  name: z.string().optional(),
  trainContextSize: z.number().int().nonnegative(),
  contextSize: z.number().int().positive(),
  threads: z.number().int().positive(),
  gpuLayers: z.number().int().nonnegative(),
  backend: z.string(),
  embeddingDims: z.number().int().nonnegative(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const LoadModelResult = z.object({
  model: ModelInfo,
  loadMs: z.number().nonnegative(),
  /** True when the same file and settings were already loaded, so nothing was done. */
  reused: z.boolean(),
});
export type LoadModelResult = z.infer<typeof LoadModelResult>;

export const GenerateParams = z.strictObject({
  prompt: z.string().min(1, "prompt must not be empty"),
  seed: z.number().int().min(0).max(0xffff_ffff),
  /** 0 = greedy. */
  temperature: z.number().min(0).max(5),
  topP: z.number().gt(0).max(1).optional(),
  topK: z.number().int().min(0).optional(),
  maxTokens: PositiveInt.max(1 << 16),
  stop: z.array(z.string().min(1)).max(16).optional(),
  /**
   * "seeded": each token is drawn in JavaScript from the model's probabilities with a draw fixed by
   * seed and position (src-shared/seeded-sampling.ts), so a verifier can redo the draw on any
   * platform. Default "native": llama.cpp's sampler. No stop texts with "seeded".
   */
  sampler: z.enum(["native", "seeded"]).optional(),
});
export type GenerateParams = z.infer<typeof GenerateParams>;

export const GenerateTimings = z.object({
  loadMs: z.number().nonnegative().optional(),
  promptTokens: z.number().int().nonnegative(),
  promptMs: z.number().nonnegative(),
  ttftMs: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
});
export type GenerateTimings = z.infer<typeof GenerateTimings>;

export const FinishReason = z.enum(["eos", "stop", "length", "cancelled"]);
export type FinishReason = z.infer<typeof FinishReason>;

/** A token as the model's vocabulary numbers it. */
const TokenId = z.number().int().nonnegative();

export const GenerateResult = z.object({
  text: z.string(),
  tokens: z.number().int().nonnegative(),
  /** The generated tokens, exactly: a reveal carries them so a verifier can re-score each one. */
  tokenIds: z.array(TokenId).optional(),
  finishReason: FinishReason,
  timings: GenerateTimings,
});
export type GenerateResult = z.infer<typeof GenerateResult>;

/** Streamed text, batched by the worker so the channel is not flooded token by token. */
export const TokenChunk = z.object({ text: z.string(), tokens: z.number().int().nonnegative() });
export type TokenChunk = z.infer<typeof TokenChunk>;

export const EmbedParams = z.strictObject({
  texts: z.array(z.string().min(1, "texts must not be empty")).min(1).max(256),
});
export type EmbedParams = z.infer<typeof EmbedParams>;

/** Vectors are mean-pooled by the model and L2-normalised by the worker. */
export const EmbedResult = z.object({ vectors: z.array(z.array(z.number())), dims: z.number().int().nonnegative() });
export type EmbedResult = z.infer<typeof EmbedResult>;

/**
 * Teacher forcing: the loaded model re-reads prompt + claimed tokens in one pass and scores every
 * claimed token against its own next-token distribution.
 */
export const VerifyParams = z.strictObject({
  prompt: z.string().min(1, "prompt must not be empty"),
  tokenIds: z
    .array(TokenId)
    .min(1, "tokenIds must not be empty")
    .max(1 << 16),
  /** Also score the end-of-generation token after the last claimed token (the claim "it stopped here"). */
  scoreEnd: z.boolean().optional(),
  /**
   * Positions evaluated per batch (default 32). 1 evaluates one token at a time as generation
   * does; calibration compares the two to measure this backend's numerical noise.
   */
  batch: z.number().int().min(1).max(512).optional(),
  /**
   * Read the whole distribution at every position. By default only the first choice is read, and
   * the whole distribution only where the claimed token is not it (a second pass): the same scores,
   * without copying the vocabulary into JavaScript at every honest greedy position.
   */
  scoreEvery: z.boolean().optional(),
  /** For outputs generated with the "seeded" sampler: redo each draw from the verifier's probabilities. */
  sampling: z
    .strictObject({
      seed: z.number().int().min(0).max(0xffff_ffff),
      temperature: z.number().min(0).max(5),
      topK: z.number().int().min(0).optional(),
      topP: z.number().gt(0).max(1).optional(),
    })
    .optional(),
});
export type VerifyParams = z.infer<typeof VerifyParams>;

/** One position as the verifier's model sees it; log-probs are natural logs of the raw softmax. */
export const TokenScore = z.object({
  logProb: z.number(),
  /** How many tokens the model found strictly likelier than the claimed one: 0 = its first choice. */
  rank: z.number().int().nonnegative(),
  topLogProb: z.number(),
  /** With `sampling`: whether the seeded draw from the verifier's probabilities gives the claimed token. */
  sampled: z.boolean().optional(),
  /** With `sampling`: how far the draw falls outside the claimed token's share of [0, 1) (0 = inside). */
  drawMargin: z.number().min(0).max(1).optional(),
});
export type TokenScore = z.infer<typeof TokenScore>;

export const VerifyResult = z.object({
  positions: z.array(TokenScore),
  /** The end-of-generation token's score after the last claimed token, when asked for. */
  end: TokenScore.optional(),
  /** What the claimed tokens decode to, so a revealed text can be compared with them. */
  text: z.string(),
  promptTokens: z.number().int().nonnegative(),
  evalMs: z.number().nonnegative(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const BenchmarkParams = z.strictObject({
  prompt: z.string().min(1).optional(),
  maxTokens: PositiveInt.max(4096).optional(),
  rounds: PositiveInt.max(20).optional(),
});
export type BenchmarkParams = z.infer<typeof BenchmarkParams>;

export const BenchmarkResult = z.object({
  tokensPerSecond: z.number().nonnegative(),
  ttftMs: z.number().nonnegative(),
  promptMs: z.number().nonnegative(),
  rounds: z.number().int().positive(),
  threads: z.number().int().positive(),
  gpuLayers: z.number().int().nonnegative(),
  contextSize: z.number().int().positive(),
  modelPath: z.string(),
});
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

/** A benchmark as stored on disk; the miner reads it to refuse tasks it cannot finish in time. */
export const StoredBenchmark = BenchmarkResult.extend({
  modelSha256: z.string().optional(),
  at: z.iso.datetime(),
});
export type StoredBenchmark = z.infer<typeof StoredBenchmark>;
export const BenchmarkFile = z.object({ version: z.literal(1), entries: z.array(StoredBenchmark) });
export type BenchmarkFile = z.infer<typeof BenchmarkFile>;

export const WorkerStatus = z.object({
  pid: z.number().int(),
  protocol: z.number().int(),
  uptimeMs: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
  model: ModelInfo.nullable(),
  activeRequests: z.number().int().nonnegative(),
});
export type WorkerStatus = z.infer<typeof WorkerStatus>;

const Empty = z.strictObject({});
const NoEvents = z.never();

/** Every method the worker serves: what it takes, what it answers, what it streams meanwhile. */
export const WorkerMethods = {
  status: { params: Empty, result: WorkerStatus, event: NoEvents },
  probe: { params: Empty, result: HardwareProbe, event: NoEvents },
  sample: { params: Empty, result: HardwareSample, event: NoEvents },
  loadModel: { params: LoadModelParams, result: LoadModelResult, event: Progress },
  unloadModel: { params: Empty, result: z.object({ unloaded: z.boolean() }), event: NoEvents },
  generate: { params: GenerateParams, result: GenerateResult, event: TokenChunk },
  embed: { params: EmbedParams, result: EmbedResult, event: NoEvents },
  verify: { params: VerifyParams, result: VerifyResult, event: NoEvents },
  benchmark: { params: BenchmarkParams, result: BenchmarkResult, event: Progress },
} as const;

type Methods = typeof WorkerMethods;
export type WorkerMethod = keyof Methods;
export type ParamsOf<M extends WorkerMethod> = z.input<Methods[M]["params"]>;
export type ResultOf<M extends WorkerMethod> = z.infer<Methods[M]["result"]>;
export type EventOf<M extends WorkerMethod> = z.infer<Methods[M]["event"]>;

export const WorkerMethodName = z.enum(Object.keys(WorkerMethods) as [WorkerMethod, ...WorkerMethod[]]);

const RequestId = z.number().int().nonnegative();

// main → worker
export const RequestMessage = z.object({
  kind: z.literal("request"),
  id: RequestId,
  method: WorkerMethodName,
  params: z.unknown(),
});
export const CancelMessage = z.object({ kind: z.literal("cancel"), id: RequestId });
export const HeartbeatMessage = z.object({ kind: z.literal("heartbeat"), at: z.number() });
export const ToWorkerMessage = z.discriminatedUnion("kind", [RequestMessage, CancelMessage, HeartbeatMessage]);
export type RequestMessage = z.infer<typeof RequestMessage>;
export type ToWorkerMessage = z.infer<typeof ToWorkerMessage>;

// worker → main
export const ReadyMessage = z.object({ kind: z.literal("ready"), protocol: z.number().int(), pid: z.number().int() });
export const ResponseMessage = z.discriminatedUnion("ok", [
  z.object({ kind: z.literal("response"), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal("response"), id: RequestId, ok: z.literal(false), error: ErrorShape }),
]);
export const EventMessage = z.object({ kind: z.literal("event"), id: RequestId, event: z.unknown() });
/** Errors that belong to no request (a message the worker could not parse at all). */
export const FaultMessage = z.object({ kind: z.literal("fault"), error: ErrorShape });
export const FromWorkerMessage = z.union([ReadyMessage, ResponseMessage, EventMessage, HeartbeatMessage, FaultMessage]);
export type ResponseMessage = z.infer<typeof ResponseMessage>;
export type FromWorkerMessage = z.infer<typeof FromWorkerMessage>;

/** Params after parsing (defaults applied), as handlers receive them. */
export type ParsedParamsOf<M extends WorkerMethod> = z.infer<Methods[M]["params"]>;

/** Parses a method's params, result or event; the caller turns a failure into a typed error. */
export function parseParams<M extends WorkerMethod>(
  method: M,
  params: unknown,
): z.ZodSafeParseResult<ParsedParamsOf<M>> {
  const schema: z.ZodType = WorkerMethods[method].params;
  return schema.safeParse(params) as z.ZodSafeParseResult<ParsedParamsOf<M>>;
}
export function parseResult<M extends WorkerMethod>(method: M, result: unknown): z.ZodSafeParseResult<ResultOf<M>> {
  const schema: z.ZodType = WorkerMethods[method].result;
  return schema.safeParse(result) as z.ZodSafeParseResult<ResultOf<M>>;
}
export function parseEvent<M extends WorkerMethod>(method: M, event: unknown): z.ZodSafeParseResult<EventOf<M>> {
  const schema: z.ZodType = WorkerMethods[method].event;
  return schema.safeParse(event) as z.ZodSafeParseResult<EventOf<M>>;
}

/** One line naming the first problem, for INVALID_PARAMS messages. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}
