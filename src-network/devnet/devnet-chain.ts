import path from "node:path";
import { Wallet } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import { DevnetInfo, type DevnetAccount } from "../../src-shared/devnet-info.js";
import { PouwError } from "../../src-shared/errors.js";
import type { DevnetStage } from "../../src-shared/network-host-contract.js";
import type { Progress } from "../../src-shared/progress.js";
import { freePort } from "../../src-main/chain/anvil.js";
import { deployProtocol } from "../../src-main/chain/deploy.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";
import { chainStateFile, startChainService, type ChainService } from "./chain-service.js";
import { readPreviousDeployment, writeDeploymentCopy } from "./deployment-copy.js";
import { deployerOf, devnetAccounts, fundDevAccounts } from "./dev-accounts.js";
import { acquireDevnetLock } from "./lock.js";
import { endOrphans } from "./orphans.js";
import { chooseChainPort, portOf } from "./port.js";
import { prepareStateFile } from "./state-file.js";
import type { NetworkServicesOptions, ServicesBase, StartedNetwork } from "./network-services.js";
import { ServiceGroup, type ServiceFailure, type ServiceRecord } from "./services.js";
import { verifyDeployment, type DeploymentCheck } from "../../src-main/chain/verify-deployment.js";

export type { DevnetStage } from "../../src-shared/network-host-contract.js";

export interface DevnetOptions {
  dataDir: string;
  /** RPC port; default: last run's port when free, else any free one. */
  port?: number;
  /**
   * The network around the chain: oracle node, background demand, peer miners and router. Without
   * it only the chain runs (routerUrl null, peers 0).
   */
  network?: NetworkServicesOptions;
  signal?: AbortSignal;
  onProgress?(p: Progress & { stage: DevnetStage }): void;
  /** Something asked for that the devnet will not do, in one line. */
  onWarning?(message: string): void;
}

export interface RunningDevnet {
  info: DevnetInfo;
  /** True when this start deployed the contracts; false when it reused the data folder's. */
  deployed: boolean;
  /** The running children, in start order. */
  services(): ServiceRecord[];
  /** Resolves when a child exits without being asked to; the devnet should then be stopped. */
  failed: Promise<ServiceFailure>;
  /** Stops every child (last started first) and releases the data folder. Idempotent. */
  stop(): Promise<void>;
}

export function deploymentFile(dataDir: string): string {
  return path.join(dataDir, "deployment.json");
}

/**
/** Starts what runs around the chain (network-services.ts), passed in so the chain alone never loads it. */
export type ServicesStarter = (
  group: ServiceGroup,
  info: ServicesBase,
  opts: NetworkServicesOptions,
  report: (message: string) => void,
) => Promise<StartedNetwork>;

/**
 * Runs a PoUW devnet in `dataDir`: anvil with persisted state, the contracts deployed once and
 * reused on later starts, funded dev accounts, and (with `network` and `startServices`, see
 * devnet.ts) the services around them. The ready info is written to `<dataDir>/deployment.json`.
 */
export async function startDevnetChain(opts: DevnetOptions, startServices?: ServicesStarter): Promise<RunningDevnet> {
  const dataDir = path.resolve(opts.dataDir);
  const report: Report = (stage, message, fraction) =>
    opts.onProgress?.({ stage, message, ...(fraction === undefined ? {} : { fraction }) });
  const checkAborted = () => {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", "the devnet was stopped before it was ready");
  };
  checkAborted();

  const lock = await acquireDevnetLock(dataDir, async (stale) => {
    const ended = await endOrphans(stale.services);
    if (ended.length > 0) report("chain", `stopped ${ended.join(", ")} left running by a devnet that was killed`);
  });
  const group = new ServiceGroup(1000, (name) =>
    opts.onWarning?.(`${name} exited; the devnet runs on without it (the oracle reassigns its tasks)`),
  );
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= group.stop().finally(() => lock.release()));
  try {
    const { previous, warning } = await readPreviousDeployment(deploymentFile(dataDir), dataDir);
    if (warning) opts.onWarning?.(warning);
    const remembered = previous.ok ? portOf(previous.deployment.rpcUrl) : undefined;
    const repaired = await prepareStateFile(chainStateFile(dataDir));
    if (repaired) report("chain", repaired);
    report("chain", "starting anvil");
    const chain = await group.start(() => startChain(dataDir, opts.port, remembered));
    await lock.update(group.records());
    report("chain", `anvil listening on ${chain.anvil.rpcUrl}`, 1);
    checkAborted();

    const accounts = devnetAccounts(chain.anvil.accounts);
    const provider = createProvider(chain.anvil.rpcUrl, { chainId: chain.anvil.chainId });
    let contracts: { deployment: Deployment; deployed: boolean };
    try {
      const work = ensureContracts(
        previous,
        new Wallet(deployerOf(accounts).privateKey, provider),
        accounts,
        report,
        checkAborted,
      );
      contracts = await Promise.race([work, interruption(opts.signal, group)]);
    } finally {
      provider.destroy();
    }
    const { deployment, deployed } = contracts;

    const base = { ...deployment, rpcUrl: chain.anvil.rpcUrl, wsUrl: chain.anvil.wsUrl, dataDir, accounts };
    let network = { routerUrl: null as string | null, peers: 0 };
    if (opts.network) {
      if (!startServices)
        throw new PouwError(
          "INTERNAL",
          "network services were asked for without a way to start them (use startDevnet)",
        );
      const started = startServices(group, base, opts.network, (m) => report("services", m));
      network = await Promise.race([started, interruption(opts.signal, group)]);
      await lock.update(group.records());
      report(
        "services",
        `${network.peers} peer miners, oracle${network.routerUrl ? ` and router at ${network.routerUrl}` : ""} running`,
        1,
      );
    }
    const info = DevnetInfo.parse({ ...base, routerUrl: network.routerUrl, peers: network.peers });
    const text = JSON.stringify(info, null, 2) + "\n";
    await writeFileAtomic(deploymentFile(dataDir), text);
    await writeDeploymentCopy(dataDir, text);
    checkAborted();
    report("ready", `devnet ready at ${info.rpcUrl}`, 1);
    return { info, deployed, services: () => group.records(), failed: group.failed, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

type Report = (stage: DevnetStage, message: string, fraction?: number) => void;

/**
 * Rejects when start-up must give up waiting on the chain: the caller stopped it, or anvil died
 * (whatever answered on its port then was not ours). Transaction waits have no timeout, so
 * without this a stuck wait would hold Ctrl-C and leave anvil running.
 */
function interruption(signal: AbortSignal | undefined, group: ServiceGroup): Promise<never> {
  const interrupted = new Promise<never>((_, reject) => {
    const cancelled = () => reject(new PouwError("CANCELLED", "the devnet was stopped before it was ready"));
    if (signal?.aborted) cancelled();
    signal?.addEventListener("abort", cancelled, { once: true });
    void group.failed.then((f) => reject(new PouwError("CHAIN_ERROR", `${f.message} while the devnet was starting`)));
  });
  // Only the race with start-up reads it; once start-up is over, a later rejection means nothing.
  interrupted.catch(() => undefined);
  return interrupted;
}

/** Reuses the previous deployment when it is live on this chain, else deploys and funds afresh. */
async function ensureContracts(
  previous: DeploymentCheck,
  deployer: Wallet,
  accounts: DevnetAccount[],
  report: Report,
  checkAborted: () => void,
): Promise<{ deployment: Deployment; deployed: boolean }> {
  const provider = deployer.provider;
  if (!provider) throw new PouwError("INTERNAL", "the deployer has no provider");
  const reuse = previous.ok ? await verifyDeployment(previous.deployment, provider) : previous;
  if (reuse.ok) {
    report("deploy", `reusing the contracts deployed at block ${reuse.deployment.deployedAtBlock}`, 1);
    report("fund", "balances kept from the last run", 1);
    return { deployment: reuse.deployment, deployed: false };
  }
  report("deploy", `deploying the contracts (${reuse.reason})`);
  const { deployment, contracts } = await deployProtocol(deployer);
  report("deploy", `contracts deployed at block ${deployment.deployedAtBlock}`, 1);
  checkAborted();
  await fundDevAccounts(contracts.token, accounts, (a, i, total) =>
    report("fund", `funded ${a.role} ${a.address}`, i / total),
  );
  return { deployment, deployed: true };
}

// Last run's port can be taken between the check and anvil's bind; then any free port will do.
async function startChain(
  dataDir: string,
  asked: number | undefined,
  remembered: number | undefined,
): Promise<ChainService> {
  const port = await chooseChainPort(asked, remembered);
  try {
    return await startChainService(dataDir, port);
  } catch (err) {
    if (asked !== undefined || port !== remembered) throw err;
    return startChainService(dataDir, await freePort());
  }
}
