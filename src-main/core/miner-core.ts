import path from "node:path";
import type { MiningStatus, ModelListEntry } from "../../src-shared/app-contract.js";
import { toErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { ensureTinyLlamaModel } from "../../src-shared/gguf/tiny-llama.js";
import { connectProtocol } from "../chain/contracts.js";
import { modelIdOf } from "../chain/task-views.js";
import { abandonedReason } from "../miner/drain-plan.js";
import type { Inference } from "../miner/inference.js";
import { alwaysIdle, type BatterySource, type GateDecision, type IdleSource } from "../scheduler/mining-gate.js";
import { openSettings, type SettingsStore } from "../settings/store.js";
import { benchmarksPath } from "../worker/benchmark-store.js";
import type { WorkerSupervisor } from "../worker/supervisor.js";
import { openNetwork, type DevnetServicesChoice, type NetworkChoice, type OpenedNetwork } from "./bootstrap-network.js";
import { ensureRegistered, fundOnDevnet, minStakeOf, openOrCreateWallet, requirePassword, type MinerSigner } from "./bootstrap-wallet.js";
import { MinerRuntime } from "./miner-runtime.js";
import { drainBoundMs, MiningDrain } from "./mining-drain.js";
import { gatedMiningStatus, MiningGateRunner } from "./mining-gate-runner.js";
import { cappedThreads, declaredSpeed, startModelWorker, type ModelWorker } from "./model-inference.js";
import { ModelRest } from "./model-rest.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { earningsOf, rewardBaseline } from "./earnings-view.js";
import { liveTasks } from "./task-queries.js";
import type { MiningCore } from "./types.js";

export interface MinerCoreOptions {
  dataDir: string;
  network: NetworkChoice;
  /** What runs around the embedded devnet's chain; default APP_DEVNET_SERVICES, false: the chain alone. Unused with `attach`. */
  devnetServices?: DevnetServicesChoice;
  /** Unlocks (or on first launch creates) the wallet in `<dataDir>/wallet`; unused with `attach`. */
  password?: string;
  /**
   * What the app session already opened (network, unlocked wallet, settings): used as they are, not
   * funded or closed here — the session owns them.
   */
  attach?: { network: OpenedNetwork; signer: MinerSigner; settings: SettingsStore; worker?: WorkerSupervisor };
  appVersion: string;
  /** The GGUF the worker serves; default: the tiny model written into `<dataDir>/models`. */
  modelPath?: string;
  /** Replaces the worker (tests): no process is started and no model is loaded. */
  inference?: Inference;
  onLog?: (line: string) => void;
  /** Worker threads; default: cores minus one. */
  threads?: number;
  /** Tokens per second declared when registering; default: the worker's benchmark of the model. */
  speed?: number;
  /** How long the user has been away, for idle-only mode; default (headless): always idle. */
  idleSource?: IdleSource;
  /** Battery or mains, for pauseOnBattery; default: never on battery. */
  batterySource?: BatterySource;
  /** Local time for schedule windows (tests pass a fake clock). */
  now?: () => Date;
  /** How often the mining gate is looked at again, ms. */
  gateIntervalMs?: number;
  /** Chain poll interval in ms (tests shorten it). */
  pollMs?: number;
  /** Keystore scrypt cost for a new wallet (tests lower it). */
  scryptN?: number;
  /** Stops start-up early (Ctrl-C while the devnet starts); what was started is closed again. */
  signal?: AbortSignal;
  /** Start mining once set up (default true). */
  autoStart?: boolean;
}

/** The running core plus what the headless command prints and tests connect with. */
export interface MinerCore extends MiningCore {
  readonly address: string;
  readonly modelId: string;
  readonly network: Pick<OpenedNetwork, "name" | "rpcUrl" | "chainId" | "deployment" | "devAccounts" | "networkDir">;
  /** The task history (records store), newest state last in each record. */
  taskRecords(): TaskRecord[];
  /** Child processes this core runs (anvil on the devnet, the worker), for status lines and checks. */
  processes(): Array<{ name: string; pid: number }>;
}

/** Declared only with an injected inference (tests), which has no benchmark. */
const DEFAULT_SPEED = 100;
const STATUS_POLL_MS = 2_000;

/** The on-chain name of a model file: its file name without `.gguf` (the tests' "stories260K"). */
export function modelNameOf(modelPath: string): string {
  return path.basename(modelPath).replace(/\.gguf$/i, "");
}

/**
 * The real miner core: network (embedded devnet or a deployment file), wallet, registration,
 * worker, and the task engine fed by the chain sync, seen through one snapshot with patches.
 * Everything it starts is stopped by close(), last started first.
 */
export async function createMinerCore(opts: MinerCoreOptions): Promise<MinerCore> {
  const log = opts.onLog ?? (() => undefined);
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => log(`while closing: ${toErrorShape(err).message}`));
  };
  try {
    const settings = opts.attach?.settings ?? openSettings({ cwd: opts.dataDir });
    const net = opts.attach?.network ?? (await openNetwork({ dataDir: opts.dataDir, network: opts.network, ...(opts.devnetServices !== undefined ? { devnetServices: opts.devnetServices } : {}), ...(opts.signal ? { signal: opts.signal } : {}), onLog: log }));
    if (!opts.attach) cleanups.push(() => net.close());

    const { signer: unconnected, created } = opts.attach
      ? { signer: opts.attach.signer, created: false }
      : await openOrCreateWallet(path.join(opts.dataDir, "wallet"), requirePassword(opts.password), { ...(opts.scryptN ? { scryptN: opts.scryptN } : {}) });
    if (created) log(`created wallet ${unconnected.address}`);
    const signer = unconnected.connect(net.provider);
    const contracts = connectProtocol(net.deployment, signer);
    if (net.devAccounts && !opts.attach) {
      const stake = await minStakeOf(contracts);
      await fundOnDevnet({ provider: net.provider, deployment: net.deployment, devAccounts: net.devAccounts, address: signer.address, tokensNeeded: stake * 2n, onLog: log });
    }

    const modelPath = opts.modelPath ?? (await ensureTinyLlamaModel(path.join(opts.dataDir, "models"))).model.path;
    const modelName = modelNameOf(modelPath);
    const modelId = modelIdOf(modelName);
    let inference = opts.inference;
    let worker: ModelWorker | undefined;
    // Frees GPU memory while mining rests (settings' unloadAfterPauseMinutes); reloads before new work.
    let rest: ModelRest | undefined;
    if (!inference) {
      const { maxThreads, maxGpuLayers } = settings.get();
      worker = await startModelWorker({
        modelPath,
        threads: cappedThreads(opts.threads, maxThreads),
        ...(maxGpuLayers !== undefined ? { gpuLayers: maxGpuLayers } : {}),
        benchmarkFile: benchmarksPath(opts.dataDir),
        onLog: log,
        ...(opts.attach?.worker ? { supervisor: opts.attach.worker } : {}),
      });
      const started = worker;
      cleanups.push(() => started.stop());
      rest = new ModelRest({
        minutes: () => settings.get().unloadAfterPauseMinutes,
        resting: () => stopHold !== undefined || !rt.syncing || !gate.current().allowed,
        inFlight: () => rt.engine.inFlight().length,
        unload: started.unload,
        load: started.reload,
        onChange: () => (showGated(), rt.engine.poke()),
        log,
      });
      inference = rest.wrap(worker.inference);
    }
    const speed = opts.speed ?? (worker ? declaredSpeed(worker.benchmark) : DEFAULT_SPEED);
    await ensureRegistered({ signer, contracts, models: [modelId], speed, onLog: log });

    const gate = new MiningGateRunner({
      settings: () => settings.get(),
      idleSource: opts.idleSource ?? alwaysIdle,
      ...(opts.batterySource ? { batterySource: opts.batterySource } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.gateIntervalMs ? { intervalMs: opts.gateIntervalMs } : {}),
    });

    const hub = new SnapshotHub({
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

    // The user's stop closes the gate too: new assignments wait un-acked while the tasks in flight finish.
    let stopHold: string | undefined;
    let view: { runtime: MinerRuntime; baseline: ReadonlyMap<string, bigint> } | undefined = undefined;
    // Records change during recovery too, before the runtime exists: those are reflected once it does.
    const refreshTasks = () => {
      if (!view) return;
      const records = view.runtime.records.all();
      const earnings = earningsOf(records, view.baseline);
      hub.update((s) => ({ ...s, tasks: liveTasks(records), earnings }));
    };
    const rt = await MinerRuntime.open({
      networkDir: net.networkDir,
      signer,
      provider: net.provider,
      deployment: net.deployment,
      contracts,
      inference,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      // anvil serves WebSocket on its HTTP port: new heads arrive at once instead of by polling.
      ...(net.devAccounts ? { wsUrl: net.rpcUrl.replace(/^http/, "ws") } : {}),
      ...(worker ? { speedProfile: { tokensPerSecond: worker.benchmark.tokensPerSecond, ttftMs: worker.benchmark.ttftMs } } : {}),
      paused: () => stopHold ?? gate.pausedReason() ?? rest?.holdReason(),
      onChange: () => refreshTasks(),
      onError: (taskId, error) => log(`task ${taskId}: ${error.code}: ${error.message}`),
      onSyncError: (err) => log(`chain sync: ${toErrorShape(err).message}`),
    });
    cleanups.push(() => rt.close());
    view = { runtime: rt, baseline: rewardBaseline(rt.records.all()) };
    refreshTasks();

    const pollStatus = async () => {
      try {
        const blockNumber = await net.provider.getBlockNumber();
        hub.update((s) => ({ ...s, network: { ...s.network, connected: true, blockNumber } }));
      } catch {
        hub.update((s) => ({ ...s, network: { ...s.network, connected: false } }));
      }
    };
    await pollStatus();
    const statusTimer = setInterval(() => void pollStatus(), opts.pollMs ?? STATUS_POLL_MS);
    statusTimer.unref();
    cleanups.push(async () => clearInterval(statusTimer));

    const setMining = (mining: MiningStatus) => hub.update((s) => ({ ...s, mining }));
    const serving = `Serving ${modelName} on ${net.name} as ${signer.address}`;
    const gated = (decision: GateDecision) => rest?.status(gatedMiningStatus(decision, serving)) ?? gatedMiningStatus(decision, serving);
    // While the sync runs the gate (and a model loading again) decides the state; "stopped" stays the user's.
    const showGated = () => {
      const { state } = hub.current().mining;
      if (rt.syncing && (state === "mining" || state === "paused" || state === "starting")) setMining(gated(gate.current()));
    };
    gate.listen((decision) => {
      showGated();
      if (decision.allowed) rt.engine.poke();
    });
    const unsubscribeGate = settings.onChange(() => gate.evaluate());
    gate.start();
    rest?.start();
    cleanups.push(async () => {
      rest?.stop();
      gate.stop();
      unsubscribeGate();
    });
    const halt = async (reason: string) => {
      rt.engine.halt();
      await rt.stopSync();
      // A start while the sync was stopping wins.
      if (stopHold !== undefined) setMining({ state: "stopped", reason });
    };
    const drain = new MiningDrain({
      inFlight: () => rt.engine.inFlight(),
      boundMs: (tasks) => drainBoundMs({ contracts, provider: net.provider }, tasks),
      show: setMining,
      stop: halt,
    });
    cleanups.push(async () => drain.cancel());
    let starting: Promise<MiningStatus> | undefined;
    const start = async (): Promise<MiningStatus> => {
      setMining({ state: "starting", reason: "Catching up with the chain" });
      try {
        await rt.startSync();
        setMining(gated(gate.evaluate()));
      } catch (err) {
        setMining({ state: "error", reason: `Could not start mining: ${toErrorShape(err).message}` });
      }
      return hub.current().mining;
    };
    // Two quick clicks start one sync, not two.
    const startMining = (): Promise<MiningStatus> => {
      // A start while stopping cancels the drain: held assignments are acked if still in time.
      stopHold = undefined;
      drain.cancel();
      rt.engine.resume();
      if (rt.syncing) {
        if (hub.current().mining.state === "stopping") setMining(gated(gate.evaluate()));
        return Promise.resolve(hub.current().mining);
      }
      return (starting ??= start().finally(() => (starting = undefined)));
    };
    if (opts.autoStart ?? true) await startMining();

    let closing: Promise<void> | undefined;
    return {
      address: signer.address,
      modelId,
      network: net,
      taskRecords: () => rt.records.all(),
      processes: () => {
        const workerPid = worker?.pid();
        return [...net.services(), ...(workerPid === undefined ? [] : [{ name: "worker", pid: workerPid }])];
      },
      getSnapshot: () => hub.message(),
      onPatch: (listener) => hub.subscribe(listener),
      startMining,
      async stopMining(params) {
        stopHold = "mining was stopped";
        await starting;
        // Forced, or a second stop while draining: at once, leaving the tasks in flight to their deadlines.
        if (params?.force || drain.draining || !rt.syncing) {
          drain.cancel();
          await halt(abandonedReason(rt.syncing ? rt.engine.inFlight().length : 0));
        } else await drain.begin();
        return hub.current().mining;
      },
      getSettings: () => settings.get(),
      updateSettings: async (update) => settings.update(update),
      listModels: async (): Promise<ModelListEntry[]> => [{ id: modelId, name: modelName, installed: true, active: true }],
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
