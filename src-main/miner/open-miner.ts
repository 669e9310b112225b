import type { MiningStatus } from "../../src-shared/app-contract.js";
import { toErrorShape } from "../../src-shared/errors.js";
import type { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { connectProtocol } from "../chain/contracts.js";
import { modelIdOf } from "../chain/task-views.js";
import { abandonedReason } from "./drain-plan.js";
import type { Inference } from "./inference.js";
import {
  alwaysIdle,
  type ActivitySource,
  type BatterySource,
  type GateDecision,
  type IdleSource,
} from "../scheduler/mining-gate.js";
import type { SettingsStore } from "../settings/store.js";
import { benchmarksPath } from "../worker-client/benchmark-store.js";
import type { WorkerSupervisor } from "../worker-client/supervisor.js";
import type { JournalFileLayer } from "../tx/journal-file.js";
import type { OpenedNetwork } from "../session/open-network.js";
import type { MinerSigner } from "../wallet/open-wallet.js";
import { modelNameOf } from "./model-name.js";
import { ensureRegistered } from "./registration.js";
import { MinerRuntime } from "./miner-runtime.js";
import { deadlineReader, MinerViews } from "./miner-views.js";
import { drainBoundMs, MiningDrain } from "./mining-drain.js";
import { gatedMiningStatus, MiningGateRunner } from "./mining-gate-runner.js";
import { cappedThreads, declaredSpeed, startModelWorker, type ModelWorker } from "../models/model-inference.js";
import { FaultHub, since } from "../session/fault-hub.js";
import { ModelRest } from "../models/model-rest.js";
import { modelNamesById, type ModelNames } from "./task-queries.js";

export interface MinerOptions {
  /** The state the miner shows: it writes the snapshot's `mining`, `tasks` and `earnings` here. */
  hub: SnapshotHub;
  /** Opened, funded and closed by the caller: the miner only uses them. */
  network: OpenedNetwork;
  /** The unlocked wallet (not yet connected to the network). */
  signer: MinerSigner;
  settings: SettingsStore;
  /** Where the benchmarks file lives. */
  dataDir: string;
  /** The GGUF the worker serves; its file name is the model's on-chain name. */
  modelPath: string;
  /** A worker someone else runs (the app session's): the model is loaded into it rather than a new one started. */
  worker?: WorkerSupervisor;
  /** Replaces the worker (tests): no model is loaded. */
  inference?: Inference;
  /** Model names shown in the task views, by on-chain id; default: the served model's on-chain name. */
  modelNames?: () => ModelNames;
  /** Tokens per second behind the earnings projection; default: the served model's benchmark. */
  projectionSpeed?: () => number | undefined;
  /** A task reached End (its reward was credited on chain). */
  onTaskEnded?: () => void;
  onLog?: (line: string) => void;
  /** Worker threads; default: cores minus one. */
  threads?: number;
  /** Tokens per second declared when registering; default: the worker's benchmark of the model. */
  speed?: number;
  /** How long the user has been away, for idle-only mode; default (headless): always idle. */
  idleSource?: IdleSource;
  /** Battery or mains, for pauseOnBattery; default: never on battery. */
  batterySource?: BatterySource;
  /** Fullscreen programs, other processes on the GPU, the user's listed programs; default: nothing seen. */
  activitySource?: ActivitySource;
  /** Local time for schedule windows (tests pass a fake clock). */
  now?: () => Date;
  /** How often the mining gate is looked at again, ms. */
  gateIntervalMs?: number;
  /** Chain poll interval in ms (tests shorten it). */
  pollMs?: number;
  /** Start mining once open (default true); otherwise the state says mining has not been started. */
  autoStart?: boolean;
  /** The journal's file operations (tests put a disk that fills up here). */
  journalFiles?: JournalFileLayer;
}

/** The running miner, as the session (or the bench and the chain tests' core) drives it. */
export interface Miner {
  readonly address: string;
  readonly modelId: string;
  readonly modelName: string;
  /** The task history (records store), newest state last in each record. */
  records(): TaskRecord[];
  /** A task in flight's deadline as wall-clock ms, when read. */
  deadlineOf(taskId: string): number | undefined;
  /** Tokens per second generated lately. */
  tokensPerSecond(): number;
  /** The model worker's PID when this miner started one of its own. */
  workerPid(): number | undefined;
  startMining(): Promise<MiningStatus>;
  /** Drains (no new work, tasks in flight finish, then stops); `force`, or a second call while draining, stops at once. */
  stopMining(params?: { force?: boolean }): Promise<MiningStatus>;
  close(): Promise<void>;
}

/** Declared only with an injected inference (tests), which has no benchmark. */
const DEFAULT_SPEED = 100;

/**
 * The miner over a network and wallet someone else opened: the model worker, registration, the
 * mining gate, the task engine fed by the chain sync, and the draining stop. Its state goes straight
 * into the caller's snapshot hub — there is no second snapshot to copy. Everything it starts is
 * stopped by close(), last started first.
 */
export async function openMiner(opts: MinerOptions): Promise<Miner> {
  const log = opts.onLog ?? (() => undefined);
  const { hub, settings, network: net } = opts;
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse())
      await c().catch((err: unknown) => log(`while closing: ${toErrorShape(err).message}`));
  };
  try {
    const signer = opts.signer.connect(net.provider);
    const contracts = connectProtocol(net.deployment, signer);
    const modelName = modelNameOf(opts.modelPath);
    const modelId = modelIdOf(modelName);
    let inference = opts.inference;
    let worker: ModelWorker | undefined;
    // Frees GPU memory while mining rests (settings' unloadAfterPauseMinutes); reloads before new work.
    let rest: ModelRest | undefined;
    if (!inference) {
      const { maxThreads, maxGpuLayers } = settings.get();
      worker = await startModelWorker({
        modelPath: opts.modelPath,
        threads: cappedThreads(opts.threads, maxThreads),
        ...(maxGpuLayers !== undefined ? { gpuLayers: maxGpuLayers } : {}),
        benchmarkFile: benchmarksPath(opts.dataDir),
        onLog: log,
        ...(opts.worker ? { supervisor: opts.worker } : {}),
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
      ...(opts.activitySource ? { activitySource: withOwnPid(opts.activitySource, () => worker?.pid()) } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.gateIntervalMs ? { intervalMs: opts.gateIntervalMs } : {}),
    });

    // The user's stop closes the gate too: new assignments wait un-acked while the tasks in flight finish.
    let stopHold: string | undefined;
    const ownNames = modelNamesById([{ onChain: modelName }]);
    const benchmarked = worker?.benchmark.tokensPerSecond;
    const faults = hub instanceof FaultHub ? hub : undefined;
    // A journal write that found the disk full: shown until a record is saved again.
    const noteDiskFull = (code: string) => {
      if (code === "DISK_FULL" && faults && !faults.fault("disk"))
        faults.setFault("disk", `disk full: records not saved ${since(Date.now())}`);
    };
    const views = new MinerViews({
      hub,
      records: () => rt.records.all(),
      deadlines: deadlineReader(net.provider, contracts.tasks),
      names: opts.modelNames ?? (() => ownNames),
      tokensPerSecond: opts.projectionSpeed ?? (() => benchmarked),
      ...(opts.onTaskEnded ? { onEnded: opts.onTaskEnded } : {}),
    });
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
      ...(worker
        ? { speedProfile: { tokensPerSecond: worker.benchmark.tokensPerSecond, ttftMs: worker.benchmark.ttftMs } }
        : {}),
      paused: () => stopHold ?? gate.pausedReason() ?? rest?.holdReason(),
      onChange: (record) => {
        // A record was saved: the disk takes writes again.
        if (faults?.fault("disk")) faults.setFault("disk", undefined);
        views.changed(record);
      },
      onError: (taskId, error) => {
        noteDiskFull(error.code);
        log(`task ${taskId}: ${error.code}: ${error.message}`);
      },
      onSyncError: (err) => {
        const error = toErrorShape(err);
        noteDiskFull(error.code);
        log(`chain sync: ${error.message}`);
      },
      ...(opts.journalFiles ? { journalFiles: opts.journalFiles } : {}),
    });
    cleanups.push(() => rt.close());
    for (const repair of rt.journal.repairs) log(`task journal repaired: ${repair}`);
    views.start();
    cleanups.push(async () => views.stop());

    const setMining = (mining: MiningStatus) => hub.update((s) => ({ ...s, mining }));
    const serving = `Serving ${modelName} on ${net.name} as ${signer.address}`;
    const gated = (decision: GateDecision) =>
      rest?.status(gatedMiningStatus(decision, serving)) ?? gatedMiningStatus(decision, serving);
    // While the sync runs the gate (and a model loading again) decides the state; "stopped" stays the user's.
    const showGated = () => {
      const { state } = hub.current().mining;
      if (rt.syncing && (state === "mining" || state === "paused" || state === "starting"))
        setMining(gated(gate.current()));
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
    else setMining({ state: "stopped", reason: "Mining has not been started" });

    let closing: Promise<void> | undefined;
    return {
      address: signer.address,
      modelId,
      modelName,
      records: () => rt.records.all(),
      deadlineOf: (taskId) => views.deadlineOf(taskId),
      tokensPerSecond: () => views.tokensPerSecond(),
      workerPid: () => worker?.pid(),
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
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The miner's own worker uses the GPU by design: it is never a reason to yield. */
function withOwnPid(source: ActivitySource, pid: () => number | undefined): ActivitySource {
  return {
    ...source,
    ownPids: () => {
      const own = new Set(source.ownPids?.() ?? []);
      const worker = pid();
      if (worker !== undefined) own.add(worker);
      return own;
    },
  };
}
