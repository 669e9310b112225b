import { startDevnetChain, type DevnetOptions, type RunningDevnet } from "./devnet-chain.js";
import { startNetworkServices } from "./network-services.js";

export { deploymentFile, type DevnetOptions, type DevnetStage, type RunningDevnet } from "./devnet-chain.js";

/**
 * Runs a whole PoUW network in `dataDir`: the devnet's chain (devnet-chain.ts) and, with `network`,
 * the oracle node, background demand, peer miners and router around it.
 */
export function startDevnet(opts: DevnetOptions): Promise<RunningDevnet> {
  return startDevnetChain(opts, startNetworkServices);
}
