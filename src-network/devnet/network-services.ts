import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import type { DevnetAccount, DevnetInfo } from "../../src-shared/devnet-info.js";
import { ensureTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { inBatches } from "../../src-shared/in-batches.js";
import { DEFAULT_MNEMONIC, devAccounts } from "../../src-main/chain/anvil.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { deployerOf } from "./dev-accounts.js";
import { ensureModelsPinned } from "./model-approval.js";
import type { NetworkServicesSpec } from "../../src-shared/network-host-contract.js";
import { fundOnDevnet } from "../../src-main/chain/devnet-funding.js";
import { minStakeOf } from "../../src-main/miner/registration.js";
import { modelNameOf } from "../../src-main/miner/model-name.js";
import { startOracleService } from "./oracle-service.js";
import { startPeerService } from "../peers/peer-service.js";
import { startDatasetService } from "../dataset/dataset-service.js";
import { startRouterService } from "./router-service.js";
import type { ServiceGroup } from "./services.js";

/** What runs around the chain. Given to startDevnet, it starts all of it; without, only the chain runs. */
export interface NetworkServicesOptions extends NetworkServicesSpec {
  onLog?(line: string): void;
}

/** What the services need to know of the devnet they run around. */
export type ServicesBase = Pick<
  DevnetInfo,
  | "rpcUrl"
  | "wsUrl"
  | "chainId"
  | "contracts"
  | "deployedAtBlock"
  | "version"
  | "sourcesSha256"
  | "dataDir"
  | "accounts"
>;

export interface StartedNetwork {
  routerUrl: string | null;
  peers: number;
  /** The on-chain name of the model the peers serve (and the router offers). */
  modelName: string;
}

/**
 * Default for `background.intervalMs`: a first launch sees work within seconds of registering. The
 * pace is bounded by idleness (a request only when the model's miners are idle and its previous
 * task was assigned) and by the devnet budget (40 tasks per 2-minute epoch, src-main/chain/deploy.ts).
 */
const BACKGROUND_INTERVAL_MS = 5_000;
/** Peers beyond the miner dev accounts use the mnemonic's accounts from this index on. */
const FIRST_EXTRA_ACCOUNT = 10;

/**
 * Starts the network around a freshly started (or reused) devnet chain, each piece a service of
 * the devnet's group: the oracle node (with background demand), the peer miners, then the router.
 */
export async function startNetworkServices(
  group: ServiceGroup,
  info: ServicesBase,
  opts: NetworkServicesOptions,
  report: (message: string) => void,
): Promise<StartedNetwork> {
  const log = opts.onLog ?? (() => undefined);
  const threads = opts.threads ?? 1;
  const pollMs = opts.pollMs ?? 250;
  const tiny =
    opts.modelPath && opts.embeddingModelPath
      ? undefined
      : await ensureTinyLlamaModel(path.join(info.dataDir, "models"));
  const modelPath = opts.modelPath ?? tiny!.model.path;
  const embeddingModelPath = opts.embeddingModelPath ?? (opts.modelPath ? opts.modelPath : tiny!.meanPool.path);
  const modelName = modelNameOf(modelPath);
  const modelId = modelIdOf(modelName);
  const role = (r: DevnetAccount["role"]) => info.accounts.filter((a) => a.role === r);

  await pinModels(info, { served: modelPath, embedding: embeddingModelPath }, log);

  const oracleAccount = role("oracle")[0];
  if (oracleAccount) {
    report("starting the oracle node");
    const bg =
      opts.background === false
        ? undefined
        : { modelId, k: opts.background?.k ?? 3, intervalMs: opts.background?.intervalMs ?? BACKGROUND_INTERVAL_MS };
    await group.start(() =>
      startOracleService({
        dataDir: info.dataDir,
        info,
        privateKey: oracleAccount.privateKey,
        embeddingModelPath,
        threads,
        pollMs,
        ...(bg ? { background: bg } : {}),
        onLog: log,
      }),
    );
    // What background tasks produce is kept: one dataset record per settled task (docs/idle-work.md).
    if (bg) await group.start(() => startDatasetService({ dataDir: info.dataDir, info, pollMs, onLog: log }));
  }

  const deployment = {
    chainId: info.chainId,
    contracts: info.contracts,
    version: info.version,
    deployedAtBlock: info.deployedAtBlock,
    sourcesSha256: info.sourcesSha256,
  };
  const peers = await peerAccounts(info, deployment, opts.peers ?? 0);
  if (peers.length > 0) report(`starting ${peers.length} peer miners (${modelName})`);
  // A few at a time: twenty workers loading at once on a small machine miss their ready timeout.
  await inBatches(peers, Math.max(2, os.availableParallelism()), (p, i) =>
    group.start(() =>
      startPeerService(
        {
          kind: "start",
          name: `peer-${i + 1}`,
          rpcUrl: info.rpcUrl,
          deployment,
          privateKey: p.privateKey,
          modelPath,
          modelName,
          dir: path.join(info.dataDir, "peers", p.address.toLowerCase()),
          threads,
          speed: 100,
          pollMs,
        },
        log,
      ),
    ),
  );

  let routerUrl: string | null = null;
  const requesters = role("requester");
  if (opts.router !== false && requesters.length > 0) {
    report("starting the router");
    const router = await group.start(() =>
      startRouterService({
        info,
        requesterKeys: requesters.map((r) => r.privateKey),
        models: [modelName],
        pollMs: Math.min(pollMs, 200),
        ...(opts.router && opts.router.port !== undefined ? { port: opts.router.port } : {}),
        ...(opts.router && opts.router.limits ? { limits: opts.router.limits } : {}),
        onLog: log,
      }),
    );
    routerUrl = router.url ?? null;
  }
  return { routerUrl, peers: peers.length, modelName };
}

/** Network-paid tasks need their model and the PoI embedding model pinned by the deployer (the pool's owner). */
async function pinModels(
  info: Pick<DevnetInfo, "rpcUrl" | "chainId" | "contracts" | "accounts">,
  files: { served: string; embedding: string },
  log: (line: string) => void,
): Promise<void> {
  const provider = createProvider(info.rpcUrl, { chainId: info.chainId });
  try {
    const deployer = new Wallet(deployerOf(info.accounts).privateKey, provider);
    await ensureModelsPinned(connectProtocol(info, deployer).incentivePool, files, log);
  } finally {
    provider.destroy();
  }
}

/**
 * Accounts for `n` peers: the miner dev accounts first, then further accounts of the same public
 * test mnemonic, which the deployer funds with gas and a stake on first use.
 */
async function peerAccounts(
  info: Pick<DevnetInfo, "rpcUrl" | "chainId" | "accounts">,
  deployment: Deployment,
  n: number,
): Promise<Array<{ address: string; privateKey: string }>> {
  const miners = info.accounts.filter((a) => a.role === "miner").slice(0, n);
  const extra = n - miners.length;
  if (extra <= 0) return miners;
  const derived = devAccounts(DEFAULT_MNEMONIC, FIRST_EXTRA_ACCOUNT + extra).slice(FIRST_EXTRA_ACCOUNT);
  const provider = createProvider(info.rpcUrl, { chainId: info.chainId });
  try {
    const stake = await minStakeOf(connectProtocol(deployment, provider));
    for (const a of derived) {
      await fundOnDevnet({
        provider,
        deployment,
        devAccounts: info.accounts,
        address: a.address,
        tokensNeeded: stake * 2n,
      });
    }
  } finally {
    provider.destroy();
  }
  return [...miners, ...derived];
}
