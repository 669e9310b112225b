import path from "node:path";
import type { AppSnapshot } from "../../src-shared/app-contract.js";
import type { HardwareReport, LogLevel, SetupStepName } from "../../src-shared/app-views.js";
import { toErrorShape } from "../../src-shared/errors.js";
import { ensureTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import type { Inference } from "../miner/inference.js";
import { defaultCataloguePath, loadCatalogue } from "../models/catalogue-file.js";
import { modelsDir as defaultModelsDir } from "../paths.js";
import type { ActivitySource, BatterySource, IdleSource } from "../scheduler/mining-gate.js";
import { openSettings } from "../settings/store.js";
import { benchmarksPath } from "../worker-client/benchmark-store.js";
import { WorkerSupervisor } from "../worker-client/supervisor.js";
import { BenchmarkAction } from "../models/benchmark-action.js";
import { openNetwork, type DevnetServicesChoice, type NetworkChoice, type OpenedNetwork } from "./open-network.js";
import { LivePushes } from "./live-pushes.js";
import { LiveSampler } from "./live-samples.js";
import { FaultHub, since } from "./fault-hub.js";
import { LogBuffer, levelOf } from "./log-buffer.js";
import { preloadMinerModel } from "../models/model-inference.js";
import { ModelActions } from "../models/model-actions.js";
import { sessionActions } from "./session-actions.js";
import { SessionMiner } from "./session-miner.js";
import { SessionState } from "./session-state.js";
import { SetupProgress } from "./setup-state.js";
import type { MainCore } from "./main-core.js";
import { WalletActions, type PasswordKeeper } from "../wallet/wallet-actions.js";

export interface AppSessionOptions {
  dataDir: string;
  network: NetworkChoice;
  /** What runs around the embedded devnet's chain (oracle, router, demand, peers); default APP_DEVNET_SERVICES, false: the chain alone. */
  devnetServices?: DevnetServicesChoice;
  appVersion: string;
  /**
   * Unattended start (`pouw-miner headless --password-file`): the wallet is unlocked or created
   * with it, funded on the devnet, every set-up step counts as done and mining starts at once.
   * Without it the session starts in set-up mode and the first run happens in the dashboard.
   */
  password?: string;
  /** The model an unattended start serves; default: the built-in tiny model. */
  modelPath?: string;
  /** Where catalogue models are downloaded; default: settings' modelsDir, else the app's models folder. */
  modelsDir?: string;
  /** Another catalogue file (tests serve models from 127.0.0.1); default: POUW_CATALOGUE or the shipped one. */
  cataloguePath?: string;
  /** Remembers the wallet password through the OS keychain (Electron's safeStorage). */
  keeper?: PasswordKeeper;
  threads?: number;
  pollMs?: number;
  scryptN?: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  /** Replaces the miner's worker (tests): no model process for mining. */
  inference?: Inference;
  idleSource?: IdleSource;
  /** Battery or mains, for pauseOnBattery: powerMonitor in the app, systeminformation under headless; default: never on battery. */
  batterySource?: BatterySource;
  /** What mining makes way for (fullscreen programs, GPU use, listed programs); default: nothing seen. */
  activitySource?: ActivitySource;
  sampleIntervalMs?: number;
  /** Shorter benchmarks (tests). */
  benchmarkParams?: { rounds?: number; maxTokens?: number };
  /** What the start is doing now, for a "starting" screen (openingCore): "Unlocking the wallet…". */
  onStage?: (reason: string) => void;
}

export interface AppSession extends MainCore {
  readonly network: Pick<OpenedNetwork, "name" | "rpcUrl" | "chainId" | "deployment" | "devAccounts" | "networkDir">;
  readonly dataDir: string;
  /** The wallet address, once there is a wallet. */
  address(): string | undefined;
  /** The served model's on-chain id, once the miner runs. */
  modelId(): string | undefined;
  /** Child processes: the devnet's chain and peer miners, and the one worker (probe, benchmark, samples and mining). */
  processes(): Array<{ name: string; pid: number }>;
}

const ALL_STEPS: SetupStepName[] = ["hardware", "wallet", "backup", "model", "benchmark", "register"];

/**
 * The real MainCore: the first run (hardware, wallet, back-up, model, benchmark, registration),
 * then the miner (openMiner over this session's network, wallet, settings and worker), all in one
 * snapshot hub. Everything it starts is stopped by close(), last started first.
 */
export async function openAppSession(opts: AppSessionOptions): Promise<AppSession> {
  const pushes = new LivePushes();
  const logs = new LogBuffer();
  const log = (level: LogLevel, message: string) => {
    // A fault that repeats (a chain poll failing every second) is kept once a minute with its count.
    for (const kept of logs.record({ at: Date.now(), level, message })) {
      pushes.emit("log", kept);
      opts.onLog?.(kept.message);
    }
  };
  const cleanups: Array<() => Promise<void>> = [];
  // Repeats of a fault that has stopped are told too, within about a minute.
  const flushLog = setInterval(() => {
    for (const kept of logs.flushRepeats(Date.now())) {
      pushes.emit("log", kept);
      opts.onLog?.(kept.message);
    }
  }, 10_000);
  flushLog.unref();
  cleanups.push(async () => clearInterval(flushLog));
  const stage = (reason: string) => opts.onStage?.(reason);
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse())
      await c().catch((err: unknown) => log("warn", `while closing: ${toErrorShape(err).message}`));
  };
  try {
    const settings = openSettings({ cwd: opts.dataDir });
    for (const notice of settings.notices) log("warn", notice);
    const catalogue = await loadCatalogue(opts.cataloguePath ?? defaultCataloguePath());

    // The session's own worker: probe, benchmark and hardware readings (the miner has its own).
    // Started first: its process start overlaps the network start and the wallet's unlock.
    const worker = new WorkerSupervisor();
    worker.on("crashed", (c) => log("error", `worker crashed (${c.reason}); restarting in ${c.restartInMs} ms`));
    let workerStopping = false;
    void worker.start().catch((err: unknown) => {
      if (!workerStopping) log("error", `the worker did not start: ${toErrorShape(err).message}`);
    });
    cleanups.push(() => {
      workerStopping = true;
      return worker.stop();
    });

    const progress = await SetupProgress.open(opts.dataDir);
    const wallet = await WalletActions.open(path.join(opts.dataDir, "wallet"), {
      ...(opts.scryptN ? { scryptN: opts.scryptN } : {}),
      ...(opts.keeper ? { keeper: opts.keeper } : {}),
    });
    // Unattended: the model loads, and an existing wallet unlocks (scrypt), while the network starts.
    const fixedModel = opts.password
      ? (opts.modelPath ?? (await ensureTinyLlamaModel(path.join(opts.dataDir, "models"))).model.path)
      : undefined;
    if (fixedModel && !opts.inference) {
      const { maxThreads, maxGpuLayers } = settings.get();
      preloadMinerModel(worker, {
        modelPath: fixedModel,
        ...(opts.threads ? { threads: opts.threads } : {}),
        ...(maxThreads !== undefined ? { maxThreads } : {}),
        ...(maxGpuLayers !== undefined ? { maxGpuLayers } : {}),
      });
    }
    const unlocking = opts.password && wallet.state === "locked" ? wallet.unlock(opts.password) : undefined;
    unlocking?.catch(() => undefined);
    stage(opts.network === "devnet" ? "Starting the local network…" : "Connecting to the network…");
    const net = await openNetwork({
      dataDir: opts.dataDir,
      network: opts.network,
      ...(opts.devnetServices !== undefined ? { devnetServices: opts.devnetServices } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLog: (l) => log(levelOf(l), l),
    });
    cleanups.push(() => net.close());

    const initial: AppSnapshot = {
      appVersion: opts.appVersion,
      mining: { state: "stopped", reason: "Finish setting up to start mining" },
      network: { name: net.name, chainId: net.chainId, connected: true },
      tasks: [],
      earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
      settings: settings.get(),
      setup: progress.view({ wallet: wallet.state, modelInstalled: false, registered: false }),
      downloads: {},
      benchmark: { running: false },
    };
    // Mining shown as "degraded" with the reason while the chain, the disk or the local network fails.
    const hub = new FaultHub(initial);
    const offDevnet = net.onDevnetHealth((h) => {
      hub.setFault(
        "devnet",
        h.state === "restarting" ? `local network restarting ${since(h.since)}: ${h.reason}` : undefined,
      );
      if (h.state === "restarting") hub.update((s) => ({ ...s, network: { ...s.network, connected: false } }));
    });
    cleanups.push(async () => void offDevnet());
    cleanups.push(async () => hub.clear());
    cleanups.push(async () => pushes.clear());
    hub.subscribe((p) => pushes.emit("patch", p));
    const offSettings = settings.onChange((s) => hub.update((snap) => ({ ...snap, settings: s })));
    cleanups.push(async () => void offSettings());

    let report: HardwareReport | undefined;
    const state = new SessionState({
      hub,
      settings,
      progress,
      wallet,
      net,
      log,
      models: new ModelActions({
        catalogue,
        modelsDir: opts.modelsDir ?? settings.get().modelsDir ?? defaultModelsDir(),
        onDownload: (id, view) =>
          hub.update((s) => {
            const downloads = { ...s.downloads };
            if (view) downloads[id] = view;
            else delete downloads[id];
            return { ...s, downloads };
          }),
        onInstalled: () => void state.refresh(),
        log,
      }),
      benchmarkFile: benchmarksPath(opts.dataDir),
      ...(opts.modelPath ? { fixedModelPath: opts.modelPath } : {}),
      report: () => report,
    });
    cleanups.push(async () => state.models.cancelAll());

    const miner = new SessionMiner({ options: opts, state, worker, log });
    cleanups.push(() => miner.close());
    state.onComplete = () => miner.ensure();

    const bench = new BenchmarkAction({
      worker,
      file: benchmarksPath(opts.dataDir),
      onView: (view) => hub.update((s) => ({ ...s, benchmark: view })),
      ...(opts.benchmarkParams ? { params: opts.benchmarkParams } : {}),
    });
    cleanups.push(async () => void bench.cancel());

    const sampler = new LiveSampler({
      read: () => worker.call("sample", {}),
      tokensPerSecond: () => miner.tokensPerSecond(),
      onSample: (s) => pushes.emit("sample", s),
      ...(opts.sampleIntervalMs ? { intervalMs: opts.sampleIntervalMs } : {}),
    });
    sampler.start();
    cleanups.push(async () => sampler.stop());

    if (opts.password) {
      // Unattended: everything the first run would ask is answered from the options.
      stage(wallet.state === "none" ? "Creating the wallet…" : "Unlocking the wallet…");
      const signer = unlocking ? await unlocking : await wallet.create(opts.password);
      stage("Checking the wallet's funds…");
      await state.onUnlocked(signer);
      state.setFixedModel(fixedModel!);
      await progress.mark(...ALL_STEPS);
      miner.autoStart = true;
      stage("Loading the model and joining the network…");
      await miner.start();
    } else {
      miner.autoStart = progress.has("register");
      const remembered = await wallet.unlockRemembered();
      if (remembered) await state.onUnlocked(remembered);
    }
    await state.refresh();
    state.startPolling(opts.pollMs ?? 2_000);
    cleanups.push(async () => state.stopPolling());
    log(
      "info",
      `session open on ${net.name} (chain ${net.chainId}); set-up ${state.setupComplete() ? "complete" : "in progress"}`,
    );

    const actions = sessionActions({
      state,
      miner,
      bench,
      worker,
      catalogue,
      setReport: (r) => (report = r),
      report: () => report,
      ...(opts.threads ? { threads: opts.threads } : {}),
      logs,
      sampler,
    });
    let closing: Promise<void> | undefined;
    return {
      ...actions,
      network: net,
      dataDir: path.resolve(opts.dataDir),
      address: () => wallet.signer?.address ?? hub.current().walletAddress,
      modelId: () => miner.modelId(),
      processes: () => {
        const pid = worker.pid;
        return [...net.services(), ...(pid === undefined ? [] : [{ name: "worker", pid }])];
      },
      getSnapshot: () => hub.message(),
      onPatch: (listener) => pushes.subscribe("patch", listener),
      subscribe: (channel, listener) => pushes.subscribe(channel, listener),
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
