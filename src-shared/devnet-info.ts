import { z } from "zod";
import { Deployment } from "./deployment.js";

/** What each pre-funded devnet account is meant for; peers, oracle and load generator pick by role. */
export const DevAccountRole = z.enum(["deployer", "miner", "oracle", "requester", "spare"]);
export type DevAccountRole = z.infer<typeof DevAccountRole>;

// The same address rule the deployment file uses, so the two never drift apart.
const Address = Deployment.shape.contracts.shape.token;

/**
 * A devnet account. Its private key comes from anvil's public test mnemonic: printing it is fine,
 * and using it anywhere but a local devnet is not.
 */
export const DevnetAccount = z.object({
  address: Address,
  privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte private key"),
  role: DevAccountRole,
});
export type DevnetAccount = z.infer<typeof DevnetAccount>;

/**
 * The devnet's ready line and `<dataDir>/deployment.json`. It is a `Deployment` with more fields,
 * so anything that reads deployment files (the app, `--network FILE`) reads it unchanged.
 */
export const DevnetInfo = Deployment.extend({
  rpcUrl: z.url(),
  wsUrl: z.url(),
  /** The OpenAI-compatible router; null until the devnet runs one. */
  routerUrl: z.url().nullable(),
  dataDir: z.string().min(1),
  accounts: z.array(DevnetAccount).min(1),
  /** Peer miners actually running (not the number asked for). */
  peers: z.number().int().nonnegative(),
});
export type DevnetInfo = z.infer<typeof DevnetInfo>;
