import { z } from "zod";

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

/** deployment.json: where the PoUW contracts live; read by the app, the devnet and the renderer. */
export const Deployment = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.string().optional(),
  /** More RPC endpoints of the same chain, tried in order when rpcUrl fails (health-checked failover). */
  rpcUrls: z.array(z.string().min(1)).optional(),
  contracts: z.object({
    token: Address,
    nodePool: Address,
    tasks: Address,
    incentivePool: Address,
  }),
  /** VERSION read from the contracts on chain after deployment. */
  version: z.number().int().positive(),
  deployedAtBlock: z.number().int().nonnegative(),
  /** sha256 of the contract sources the bytecode came from. */
  sourcesSha256: z.string().optional(),
});
export type Deployment = z.infer<typeof Deployment>;
