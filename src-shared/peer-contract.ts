import { z } from "zod";
import { Deployment } from "./deployment.js";
import { ErrorShape } from "./errors.js";

/**
 * The devnet ↔ peer-miner boundary (an IPC channel to a forked child). The devnet sends one
 * `start`; the peer answers `ready` (or `failed`) and sends `log` lines while it runs. The peer
 * ends when asked (SIGTERM) or when the channel closes (the devnet died).
 *
 * Where a child cannot start children of its own (Electron's utilityProcess), the peer's worker is
 * started by the parent on its behalf and their messages pass through this channel: the peer asks
 * `worker-spawn`/`worker-send`/`worker-kill`, the parent answers `worker-spawned`/`worker-message`/
 * `worker-stderr`/`worker-exit`. `gen` numbers each worker the peer asked for, so the events of
 * one it already gave up on are never taken for the next one's.
 */
export const PeerStart = z.object({
  kind: z.literal("start"),
  name: z.string().min(1),
  rpcUrl: z.url(),
  deployment: Deployment,
  privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  modelPath: z.string().min(1),
  /** The on-chain model name (its id is keccak256 of it); the app's miner derives it from the file name. */
  modelName: z.string().min(1),
  /** The peer's journal, records and cursors (its own network folder). */
  dir: z.string().min(1),
  threads: z.number().int().positive(),
  /** Tokens per second declared when registering. */
  speed: z.number().int().positive(),
  pollMs: z.number().int().positive(),
});
export type PeerStart = z.infer<typeof PeerStart>;

const Gen = z.number().int().nonnegative();

export const PeerMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready"), address: z.string(), workerPid: z.number().int().nullable(), healthUrl: z.url() }),
  z.object({ kind: z.literal("failed"), error: ErrorShape }),
  z.object({ kind: z.literal("log"), line: z.string() }),
  z.object({ kind: z.literal("worker-spawn"), gen: Gen }),
  z.object({ kind: z.literal("worker-send"), gen: Gen, message: z.unknown() }),
  z.object({ kind: z.literal("worker-kill"), gen: Gen, signal: z.string().regex(/^SIG[A-Z0-9]+$/) }),
]);
export type PeerMessage = z.infer<typeof PeerMessage>;

/** The parent's answers about a worker it started for the peer. */
export const PeerWorkerEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("worker-spawned"), gen: Gen, pid: z.number().int().nullable() }),
  z.object({ kind: z.literal("worker-message"), gen: Gen, message: z.unknown() }),
  z.object({ kind: z.literal("worker-stderr"), gen: Gen, line: z.string() }),
  z.object({ kind: z.literal("worker-exit"), gen: Gen, code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type PeerWorkerEvent = z.infer<typeof PeerWorkerEvent>;

/** Set in a peer's environment when its worker must be started by the parent. */
export const PEER_WORKER_RELAY_ENV = "POUW_PEER_WORKER_RELAY";
