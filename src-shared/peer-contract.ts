import { z } from "zod";
import { Deployment } from "./deployment.js";
import { ErrorShape } from "./errors.js";

/**
 * The devnet ↔ peer-miner boundary (an IPC channel to a forked child). The devnet sends one
 * `start`; the peer answers `ready` (or `failed`) and sends `log` lines while it runs. The peer
 * ends when asked (SIGTERM) or when the channel closes (the devnet died).
 *
 * Inside the app, where a child cannot start children of its own, the peer's worker is started
 * through the same channel by the launch relay (launch-relay-contract.ts).
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

export const PeerMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("ready"),
    address: z.string(),
    workerPid: z.number().int().nullable(),
    healthUrl: z.url(),
  }),
  z.object({ kind: z.literal("failed"), error: ErrorShape }),
  z.object({ kind: z.literal("log"), line: z.string() }),
]);
export type PeerMessage = z.infer<typeof PeerMessage>;
