import path from "node:path";
import { Wallet } from "ethers";
import { toErrorShape } from "../../src-shared/errors.js";
import type { DevnetInfo } from "../../src-shared/devnet-info.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import { connectProtocol, type ProtocolContracts } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { workerEmbedder } from "../oracle/embedder.js";
import { openOracle } from "../oracle/open-oracle.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { BackgroundDemand } from "../demand/background-demand.js";
import type { Service } from "./services.js";

export interface OracleServiceOptions {
  dataDir: string;
  /** The devnet's info, or an operator's deployment file (no WebSocket there unless given). */
  info: Pick<DevnetInfo, "rpcUrl" | "chainId" | "contracts" | "deployedAtBlock"> & {
    wsUrl?: string;
    rpcUrls?: string[];
  };
  privateKey: string;
  /** The GGUF the oracle embeds outputs with (its own worker process). */
  embeddingModelPath: string;
  threads: number;
  pollMs: number;
  /** Background demand for this model, from the oracle's account; off when undefined. */
  background?: { modelId: string; k: number; intervalMs: number; onRequested?: (taskId: bigint) => void };
  onLog(line: string): void;
}

/**
 * The devnet's oracle node, in the devnet's process: registered with the oracle dev account,
 * embedding through its own worker process, its journal and cursor in `<dataDir>/oracle` (so a
 * restart resumes), and the background demand sent through its transaction queue.
 */
export async function startOracleService(opts: OracleServiceOptions): Promise<Service> {
  const provider = createProvider([opts.info.rpcUrl, ...(opts.info.rpcUrls ?? [])], {
    chainId: opts.info.chainId,
    pollingInterval: 100,
  });
  const signer = new Wallet(opts.privateKey, provider);
  const contracts = connectProtocol(opts.info, signer);
  const worker = new WorkerSupervisor();
  const stops: Array<() => Promise<unknown>> = [async () => provider.destroy(), () => worker.stop()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    await ensureOracle(contracts, signer.address, opts.onLog);
    worker.on("crashed", (c) => opts.onLog(`oracle worker crashed (${c.reason}); restarting in ${c.restartInMs} ms`));
    await worker.start();
    await worker.call("loadModel", { path: opts.embeddingModelPath, threads: opts.threads });
    const oracle = await openOracle({
      dir: path.join(opts.dataDir, "oracle"),
      signer,
      provider,
      contracts,
      embedder: workerEmbedder(worker),
      startBlock: opts.info.deployedAtBlock,
      pollMs: opts.pollMs,
      ...(opts.info.wsUrl ? { wsUrl: opts.info.wsUrl } : {}),
      txQueue: { pollMs: 25 },
      onError: (err, taskId) =>
        opts.onLog(`oracle${taskId === undefined ? "" : ` (task ${taskId})`}: ${toErrorShape(err).message}`),
    });
    stops.push(() => oracle.close());
    await oracle.node.start();
    if (opts.background) {
      // From the deployment on: any model a miner registers with gets background tasks too.
      const demand = new BackgroundDemand({
        contracts,
        provider,
        queue: oracle.queue,
        fromBlock: opts.info.deployedAtBlock,
        ...opts.background,
        onLog: opts.onLog,
      });
      demand.start();
      stops.push(() => demand.stop());
    }
    opts.onLog(
      `oracle ${signer.address} running (embeddings: ${path.basename(opts.embeddingModelPath)}, worker ${worker.pid ?? "?"})`,
    );
    // In-process: it ends with the devnet, so there is no PID to record and nothing exits by itself.
    return { name: "oracle", pid: undefined, url: undefined, exited: new Promise(() => undefined), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Registers the oracle dev account with role Oracle and the minimum stake, once. */
async function ensureOracle(c: ProtocolContracts, address: string, onLog: (line: string) => void): Promise<void> {
  if (await c.nodePool.read("isActiveOracle", address)) return;
  const stake = await c.nodePool.read("minStake");
  await c.token.send("approve", c.nodePool.address, stake);
  await c.nodePool.send("register", nodeRoleIndex("Oracle"), stake, 0, []);
  onLog(`registered ${address} as the devnet's oracle`);
}
