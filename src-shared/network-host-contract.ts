import { z } from "zod";
import { DevnetInfo } from "./devnet-info.js";
import { ErrorShape } from "./errors.js";

/**
 * The app ↔ network host boundary: the embedded devnet (anvil, contracts, oracle, router,
 * background demand, peer miners) runs in a child process of its own, so the app's main process
 * runs only the miner. The app sends one `start`; the host answers `progress`/`warning`/`log`
 * lines, then `ready` (or `start-failed`); later `services` whenever its children change and
 * `failed` when one it cannot lose ends. `stop` (or the channel closing) stops everything and the
 * host answers `stopped` before it exits.
 */

/** The router's task limits a devnet may override (src-network/router/task-gateway.ts). */
export const GatewayLimits = z.object({
  /** Miners per task (lowered to the number of active miners when fewer serve the model). */
  k: z.number().int().positive(),
  payment: z.bigint().nonnegative(),
  priority: z.number().int().nonnegative(),
  maxTokens: z.number().int().positive(),
  defaultMaxTokens: z.number().int().positive(),
  /** A prompt longer than this many characters is refused (the miners' context is small). */
  maxPromptChars: z.number().int().positive(),
  /** How long a request may wait for its task's End before it is answered 504. */
  timeoutMs: z.number().int().positive(),
});
export type GatewayLimits = z.infer<typeof GatewayLimits>;

/** What runs around the chain (src-network/devnet/network-services.ts), as data. */
export const NetworkServicesSpec = z.object({
  /** Peer miners, each its own process with its own worker (default 0). */
  peers: z.number().int().nonnegative().optional(),
  /** The GGUF peers serve; default: the project's tiny model written into `<dataDir>/models`. */
  modelPath: z.string().min(1).optional(),
  /** The GGUF the oracle embeds with; default: the tiny model's mean-pooling twin, else modelPath. */
  embeddingModelPath: z.string().min(1).optional(),
  /** Threads per worker (default 1: a devnet shares its machine with the user's miner). */
  threads: z.number().int().positive().optional(),
  /** Chain poll interval of peers, oracle and router, ms (default 250). */
  pollMs: z.number().int().positive().optional(),
  router: z
    .union([
      z.literal(false),
      z.object({ port: z.number().int().nonnegative().optional(), limits: GatewayLimits.partial().optional() }),
    ])
    .optional(),
  /** Background tasks while user demand is low (default a look every 5 s, k ≤ 3); false: none. */
  background: z
    .union([
      z.literal(false),
      z.object({ intervalMs: z.number().int().positive().optional(), k: z.number().int().positive().optional() }),
    ])
    .optional(),
});
export type NetworkServicesSpec = z.infer<typeof NetworkServicesSpec>;

export const ServiceRecord = z.object({
  name: z.string(),
  pid: z.number().int().nullable(),
  url: z.string().nullable(),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const ServiceFailure = z.object({ name: z.string(), message: z.string() });
export type ServiceFailure = z.infer<typeof ServiceFailure>;

export const DevnetStage = z.enum(["chain", "deploy", "fund", "services", "ready"]);
export type DevnetStage = z.infer<typeof DevnetStage>;

export const HostCommand = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("start"),
    dataDir: z.string().min(1),
    port: z.number().int().positive().optional(),
    /** Without it only the chain runs. */
    network: NetworkServicesSpec.optional(),
  }),
  z.object({ kind: z.literal("stop") }),
]);
export type HostCommand = z.infer<typeof HostCommand>;

export const HostEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("progress"), stage: DevnetStage, message: z.string().optional() }),
  z.object({ kind: z.literal("warning"), message: z.string() }),
  z.object({ kind: z.literal("log"), line: z.string() }),
  z.object({ kind: z.literal("ready"), info: DevnetInfo, deployed: z.boolean(), services: z.array(ServiceRecord) }),
  z.object({ kind: z.literal("start-failed"), error: ErrorShape }),
  z.object({ kind: z.literal("services"), services: z.array(ServiceRecord) }),
  z.object({ kind: z.literal("failed"), failure: ServiceFailure }),
  z.object({ kind: z.literal("stopped"), error: ErrorShape.optional() }),
]);
export type HostEvent = z.infer<typeof HostEvent>;
