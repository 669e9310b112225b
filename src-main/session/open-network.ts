import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import type { DevnetAccount } from "../../src-shared/devnet-info.js";
import { PouwError } from "../../src-shared/errors.js";
import { createProvider } from "../chain/provider.js";
import { readDeploymentFile } from "../chain/verify-deployment.js";
import { verifyNetwork } from "../chain/verify-network.js";
import { DevnetSupervisor, type DevnetHealth } from "./devnet-supervisor.js";
import {
  portOf,
  startNetworkHost,
  type DevnetOptions,
  type NetworkServicesOptions,
} from "../../src-network/host/network-host.js";

export type NetworkChoice = "devnet" | { deploymentFile: string };

/**
 * What the app's embedded devnet runs around the user's miner so tasks flow at first launch (the
 * default of openNetwork), in a process of its own (the network host, src-network/host): oracle,
 * router, background demand and two peers. With the user's miner
 * three serve the tiny model: the router's k, and a background task asks for min(3, idle) miners,
 * so while all are idle the user's miner is in every one.
 */
export const APP_DEVNET_SERVICES: NetworkServicesOptions = { peers: 2 };

/**
 * The network around the embedded devnet's chain; false: the chain alone (tests that play oracle and
 * requester): then only anvil runs, started from this process.
 */
export type DevnetServicesChoice = NetworkServicesOptions | false;

export interface OpenedNetwork {
  /** "devnet", or the deployment file's name for a remote network. */
  name: string;
  deployment: Deployment;
  rpcUrl: string;
  chainId: number;
  provider: JsonRpcProvider;
  /** Funded dev accounts, only on the embedded devnet. */
  devAccounts?: DevnetAccount[];
  /** `<dataDir>/networks/<chainId>-<tasksAddress>`: journal, records and cursors of this network only. */
  networkDir: string;
  /** The devnet's running children with a PID (anvil, peer miners); empty for a remote network. */
  services(): Array<{ name: string; pid: number }>;
  /** The embedded devnet's health (it is restarted when a child dies); always up for a remote network. */
  devnetHealth(): DevnetHealth;
  /** Called on every change of devnetHealth(); returns the unsubscribe. */
  onDevnetHealth(listener: (health: DevnetHealth) => void): () => void;
  /** Stops what this opened (the provider, and the devnet when it started one). */
  close(): Promise<void>;
}

/**
 * Connects to the network the miner works on: starts (or reuses) the embedded devnet under
 * `<dataDir>/devnet`, or reads a deployment file; then checks the chain really is that deployment.
 */
export async function openNetwork(opts: {
  dataDir: string;
  network: NetworkChoice;
  /** The oracle, router, peers and background demand around the embedded devnet; default APP_DEVNET_SERVICES. */
  devnetServices?: DevnetServicesChoice;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}): Promise<OpenedNetwork> {
  let supervisor: DevnetSupervisor | undefined;
  const healthListeners = new Set<(h: DevnetHealth) => void>();
  let deployment: Deployment;
  let rpcUrl: string;
  let name: string;
  if (opts.network === "devnet") {
    const services = opts.devnetServices ?? APP_DEVNET_SERVICES;
    const devnetOptions: DevnetOptions = {
      dataDir: path.join(opts.dataDir, "devnet"),
      ...(services ? { network: { onLog: (l: string) => opts.onLog?.(`devnet: ${l}`), ...services } } : {}),
      onProgress: (p) => opts.onLog?.(`devnet ${p.stage}: ${p.message ?? ""}`),
      onWarning: (m) => opts.onLog?.(`devnet warning: ${m}`),
    };
    const devnet = await startNetworkHost({ ...devnetOptions, ...(opts.signal ? { signal: opts.signal } : {}) });
    // Restarted on the same port, so the provider below (and any wallet pointed at it) keeps working.
    const port = portOf(devnet.info.rpcUrl);
    supervisor = new DevnetSupervisor(devnet, {
      restart: () => startNetworkHost({ ...devnetOptions, ...(port !== undefined ? { port } : {}) }),
      onLog: (line) => opts.onLog?.(line),
      onHealth: (h) => healthListeners.forEach((l) => l(h)),
    });
    deployment = devnet.info;
    rpcUrl = devnet.info.rpcUrl;
    name = "devnet";
  } else {
    const file = path.resolve(opts.network.deploymentFile);
    const read = await readDeploymentFile(file);
    if (!read.ok) throw new PouwError("INVALID_PARAMS", `cannot use the deployment file ${file}: ${read.reason}`);
    if (!read.deployment.rpcUrl) throw new PouwError("INVALID_PARAMS", `the deployment file ${file} has no rpcUrl`);
    deployment = read.deployment;
    rpcUrl = read.deployment.rpcUrl;
    name = path.basename(file, ".json");
  }
  const provider = createProvider([rpcUrl, ...(deployment.rpcUrls ?? [])], {
    chainId: deployment.chainId,
    pollingInterval: 250,
  });
  const close = async () => {
    provider.destroy();
    await supervisor?.stop();
  };
  try {
    const { chainId } = await verifyNetwork(provider, deployment, rpcUrl);
    const networkDir = path.join(opts.dataDir, "networks", `${chainId}-${deployment.contracts.tasks.toLowerCase()}`);
    return {
      name,
      deployment,
      rpcUrl,
      chainId,
      provider,
      ...(supervisor ? { devAccounts: supervisor.devnet.info.accounts } : {}),
      networkDir,
      services: () =>
        (supervisor?.devnet.services() ?? []).flatMap((s) => (s.pid === null ? [] : [{ name: s.name, pid: s.pid }])),
      devnetHealth: () => supervisor?.health() ?? { state: "up", restarts: 0 },
      onDevnetHealth: (listener) => {
        healthListeners.add(listener);
        return () => healthListeners.delete(listener);
      },
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
