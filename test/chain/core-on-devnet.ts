import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { createProvider } from "../../src-main/chain/provider.js";
import { createMinerCore, type MinerCore, type MinerCoreOptions } from "../helpers/miner-core.js";
import type { Inference } from "../../src-main/miner/inference.js";
import type { DevnetView } from "./devnet-tasks.js";

export interface CoreOnDevnet {
  core: MinerCore;
  dataDir: string;
  provider: JsonRpcProvider;
  net: DevnetView;
  close(): Promise<void>;
}

/**
 * The real miner core on a fresh embedded devnet with the chain alone (no oracle, peers or demand):
 * the test plays requester and oracle, so every task goes to this core's miner.
 */
export async function openCoreOnDevnet(
  prefix: string,
  opts: { inference: Inference } & Partial<Omit<MinerCoreOptions, "dataDir" | "network" | "devnetServices">>,
): Promise<CoreOnDevnet> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const core = await createMinerCore({
    dataDir,
    network: "devnet",
    devnetServices: false,
    password: "correct horse battery",
    appVersion: "0.0.0-test",
    pollMs: 100,
    scryptN: 2 ** 10,
    ...opts,
  });
  const provider = createProvider(core.network.rpcUrl, { chainId: core.network.chainId });
  const net = { deployment: core.network.deployment, devAccounts: core.network.devAccounts ?? [], provider };
  return {
    core,
    dataDir,
    provider,
    net,
    async close() {
      provider.destroy();
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
