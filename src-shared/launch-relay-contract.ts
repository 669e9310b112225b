import { z } from "zod";

/**
 * A child asking the process that started it to start a grandchild on its behalf, and the answers.
 *
 * Electron's utilityProcess can only be forked by the main process, and the app's RunAsNode fuse is
 * off, so inside the app no child can start a Node child of its own: the network host starts peers
 * and the oracle's worker, a peer starts its worker. Each asks its parent (`launch`, `send`, `kill`);
 * the parent starts the entry with its own launcher and passes the grandchild's messages, output and
 * exit back (`launched`, `message`, `stderr`, `exit`). `id` numbers each launch a child asked for, so
 * the events of one it already gave up on are never taken for the next one's. A child knows its
 * parent relays when LAUNCH_RELAY_ENV is "1" in its environment.
 */
export const LAUNCH_RELAY_ENV = "POUW_LAUNCH_RELAY";

const Id = z.number().int().nonnegative();
const Signal = z.string().regex(/^SIG[A-Z0-9]+$/);

export const RelayRequest = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("relay-launch"),
    id: Id,
    /** An entry of the runtime registry (the parent refuses any other path). */
    entry: z.string().min(1),
    serviceName: z.string().min(1),
    env: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ kind: z.literal("relay-send"), id: Id, message: z.unknown() }),
  z.object({ kind: z.literal("relay-kill"), id: Id, signal: Signal }),
]);
export type RelayRequest = z.infer<typeof RelayRequest>;

export const RelayEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("relay-launched"), id: Id, pid: z.number().int().nullable() }),
  z.object({ kind: z.literal("relay-message"), id: Id, message: z.unknown() }),
  z.object({ kind: z.literal("relay-stderr"), id: Id, line: z.string() }),
  z.object({ kind: z.literal("relay-exit"), id: Id, code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type RelayEvent = z.infer<typeof RelayEvent>;
