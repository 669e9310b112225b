import path from "node:path";
import type { ModelListEntry } from "../../src-shared/app-contract.js";
import { toErrorShape } from "../../src-shared/errors.js";
import { ensureTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { openSettings } from "../../src-main/settings/store.js";
import { FaultHub } from "../../src-main/session/fault-hub.js";
import {
  openNetwork,
  type DevnetServicesChoice,
  type NetworkChoice,
  type OpenedNetwork,
} from "../../src-main/session/open-network.js";
import { fundOnDevnet } from "../../src-main/chain/devnet-funding.js";
import { minStakeOf } from "../../src-main/miner/registration.js";
import { openOrCreateWallet, requirePassword } from "../../src-main/wallet/open-wallet.js";
import { openMiner, type MinerOptions } from "../../src-main/miner/open-miner.js";
import type { MiningCore } from "../../src-main/session/main-core.js";

export interface MinerCoreOptions extends Pick<
  MinerOptions,
  | "inference"
  | "onLog"
  | "threads"
  | "speed"
  | "idleSource"
  | "batterySource"
  | "now"
  | "gateIntervalMs"
  | "pollMs"
  | "autoStart"
  | "journalFiles"
> {
  dataDir: string;
  network: NetworkChoice;
  /** What runs around the embedded devnet's chain; default APP_DEVNET_SERVICES, false: the chain alone. */
  devnetServices?: DevnetServicesChoice;
  /** Unlocks (or on first launch creates) the wallet in `<dataDir>/wallet`. */
  password?: string;
  appVersion: string;
  /** The GGUF the worker serves; default: the tiny model written into `<dataDir>/models`. */
  modelPath?: string;
  /** Keystore scrypt cost for a new wallet (tests lower it). */
  scryptN?: number;
  /** Stops start-up early (Ctrl-C while the devnet starts); what was started is closed again. */
  signal?: AbortSignal;
}

/** The running core plus what the chain tests and the bench connect with. */
export interface MinerCore extends MiningCore {
  readonly address: string;
  readonly modelId: string;
  readonly network: Pick<OpenedNetwork, "name" | "rpcUrl" | "chainId" | "deployment" | "devAccounts" | "networkDir">;
  /** The task history (records store), newest state last in each record. */
  taskRecords(): TaskRecord[];
  /** Child processes this core runs (anvil on the devnet, the worker), for status lines and checks. */
  processes(): Array<{ name: string; pid: number }>;
}

const STATUS_POLL_MS = 2_000;

/**
 * The miner alone, without the app session's first run, wallet actions, models or samples: what the
 * chain tests and the bench run. It opens what the session would (network, wallet — created on first
 * launch and funded on the devnet —, settings), one snapshot hub, and the same miner as the session
 * (openMiner) writing into it. Everything it starts is stopped by close(), last started first.
 */
export async function createMinerCore(opts: MinerCoreOptions): Promise<MinerCore> {
  const log = opts.onLog ?? (() => undefined);
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse())
      await c().catch((err: unknown) => log(`while closing: ${toErrorShape(err).message}`));
  };
  try {
    const settings = openSettings({ cwd: opts.dataDir });
    const net = await openNetwork({
      dataDir: opts.dataDir,
      network: opts.network,
      ...(opts.devnetServices !== undefined ? { devnetServices: opts.devnetServices } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLog: log,
    });
    cleanups.push(() => net.close());

    const { signer, created } = await openOrCreateWallet(
      path.join(opts.dataDir, "wallet"),
      requirePassword(opts.password),
      { ...(opts.scryptN ? { scryptN: opts.scryptN } : {}) },
    );
    if (created) log(`created wallet ${signer.address}`);
    if (net.devAccounts) {
      const stake = await minStakeOf(connectProtocol(net.deployment, signer.connect(net.provider)));
      await fundOnDevnet({
        provider: net.provider,
        deployment: net.deployment,
        devAccounts: net.devAccounts,
        address: signer.address,
        tokensNeeded: stake * 2n,
        onLog: log,
      });
    }
    const modelPath = opts.modelPath ?? (await ensureTinyLlamaModel(path.join(opts.dataDir, "models"))).model.path;

    const hub = new FaultHub({
      appVersion: opts.appVersion,
      mining: { state: "stopped", reason: "Mining has not been started" },
      network: { name: net.name, chainId: net.chainId, connected: true },
      walletAddress: signer.address,
      tasks: [],
      earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
      settings: settings.get(),
    });
    cleanups.push(async () => hub.clear());
    const unsubscribeSettings = settings.onChange((s) => hub.update((snap) => ({ ...snap, settings: s })));
    cleanups.push(async () => void unsubscribeSettings());

    // The app session reads the block height with the rest of its views; alone, the core polls it.
    const pollStatus = async () => {
      try {
        const blockNumber = await net.provider.getBlockNumber();
        hub.update((s) => ({ ...s, network: { ...s.network, connected: true, blockNumber } }));
        hub.chainReached(true);
      } catch {
        hub.update((s) => ({ ...s, network: { ...s.network, connected: false } }));
        hub.chainReached(false);
      }
    };
    await pollStatus();
    const statusTimer = setInterval(() => void pollStatus(), opts.pollMs ?? STATUS_POLL_MS);
    statusTimer.unref();
    cleanups.push(async () => clearInterval(statusTimer));

    const {
      inference,
      onLog,
      threads,
      speed,
      idleSource,
      batterySource,
      now,
      gateIntervalMs,
      pollMs,
      autoStart,
      journalFiles,
    } = opts;
    const tuning = {
      inference,
      onLog,
      threads,
      speed,
      idleSource,
      batterySource,
      now,
      gateIntervalMs,
      pollMs,
      autoStart,
      journalFiles,
    };
    const miner = await openMiner({ ...tuning, hub, network: net, signer, settings, dataDir: opts.dataDir, modelPath });
    cleanups.push(() => miner.close());

    let closing: Promise<void> | undefined;
    return {
      address: miner.address,
      modelId: miner.modelId,
      network: net,
      taskRecords: () => miner.records(),
      processes: () => {
        const workerPid = miner.workerPid();
        return [...net.services(), ...(workerPid === undefined ? [] : [{ name: "worker", pid: workerPid }])];
      },
      getSnapshot: () => hub.message(),
      onPatch: (listener) => hub.subscribe(listener),
      startMining: () => miner.startMining(),
      stopMining: (params) => miner.stopMining(params),
      getSettings: () => settings.get(),
      updateSettings: async (update) => settings.update(update),
      listModels: async (): Promise<ModelListEntry[]> => [
        { id: miner.modelId, name: miner.modelName, installed: true, active: true },
      ],
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
