import { readBenchmarks } from "../worker-client/benchmark-store.js";
import path from "node:path";
import type {
  BenchmarkResultView,
  HardwareReport,
  LogLevel,
  RegistrationView,
  WalletView,
} from "../../src-shared/app-views.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import type { StoredBenchmark } from "../../src-shared/worker-contract.js";
import type { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { modelIdOf } from "../chain/task-views.js";
import type { SettingsStore } from "../settings/store.js";
import type { OpenedNetwork } from "./open-network.js";
import { fundOnDevnet } from "../chain/devnet-funding.js";
import { minStakeOf } from "../miner/registration.js";
import type { MinerSigner } from "../wallet/open-wallet.js";
import {
  chainAccount,
  readRegistrationView,
  readWalletView,
  type ChainAccount,
  type Declaration,
} from "../chain/chain-actions.js";
import { connectProtocol } from "../chain/contracts.js";
import { modelNameOf } from "../miner/model-name.js";
import { benchmarkView, type ActiveModel, type ModelActions } from "../models/model-actions.js";
import { declaredSpeed } from "../models/model-inference.js";
import type { SetupProgress } from "./setup-state.js";
import { modelNamesById, type ModelNames } from "../miner/task-queries.js";
import type { WalletActions } from "../wallet/wallet-actions.js";
import { FaultHub } from "./fault-hub.js";

/**
 * What the session knows and shows: the active model, the wallet and registration as the chain
 * says, set-up progress — recomputed by `refresh()` (after every action and on a timer) into the
 * snapshot. Facts are read each time rather than remembered, so they cannot go stale.
 */
export class SessionState {
  onComplete: () => void = () => undefined;
  private fixedModel: ActiveModel | undefined;
  private registered = false;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      hub: SnapshotHub;
      settings: SettingsStore;
      progress: SetupProgress;
      wallet: WalletActions;
      net: OpenedNetwork;
      models: ModelActions;
      log(level: LogLevel, message: string): void;
      benchmarkFile: string;
      fixedModelPath?: string;
      report(): HardwareReport | undefined;
    },
  ) {
    if (deps.fixedModelPath) this.setFixedModel(deps.fixedModelPath);
  }

  get hub(): SnapshotHub {
    return this.deps.hub;
  }
  get settings(): SettingsStore {
    return this.deps.settings;
  }
  get progress(): SetupProgress {
    return this.deps.progress;
  }
  get wallet(): WalletActions {
    return this.deps.wallet;
  }
  get net(): OpenedNetwork {
    return this.deps.net;
  }
  get models(): ModelActions {
    return this.deps.models;
  }
  get benchmarkFile(): string {
    return this.deps.benchmarkFile;
  }

  /** The unlocked wallet on the opened network, which every chain action runs from. */
  account(): ChainAccount {
    const signer = this.deps.wallet.signer;
    if (!signer) throw new PouwError("WALLET_LOCKED", "unlock the wallet first");
    const { net } = this.deps;
    const connected = signer.connect(net.provider);
    return chainAccount(connectProtocol(net.deployment, connected), connected, connected.address, net.provider);
  }

  /** A model file given on the command line (unattended start) instead of a catalogue choice. */
  setFixedModel(modelPath: string): void {
    const name = modelNameOf(modelPath);
    this.fixedModel = { id: name, name, path: path.resolve(modelPath) };
  }

  activeModel(): ActiveModel | undefined {
    if (this.fixedModel) return this.fixedModel;
    const id = this.deps.settings.get().activeModelId;
    if (!id) return undefined;
    const own = this.deps.models.importedModel(id);
    if (own) return own;
    try {
      const entry = this.deps.models.entry(id);
      return { id, name: entry.name, path: this.deps.models.pathOf(entry) };
    } catch {
      return undefined;
    }
  }

  /** Every model this app could have served, by on-chain id, for the task views' model names. */
  modelNames(): ModelNames {
    const { models } = this.deps;
    const known = models.catalogueIds().map((id) => {
      const entry = models.entry(id);
      return { onChain: modelNameOf(models.pathOf(entry)), label: entry.name };
    });
    for (const own of models.importedModels()) known.push({ onChain: modelNameOf(own.path), label: own.name });
    if (this.fixedModel) known.push({ onChain: modelNameOf(this.fixedModel.path), label: this.fixedModel.name });
    return modelNamesById(known);
  }

  async activeInstalled(): Promise<boolean> {
    if (this.fixedModel) return true;
    const active = this.activeModel();
    // An imported model is listed once its copy is verified (import.ts).
    if (active && this.deps.models.importedModel(active.id)) return true;
    return active !== undefined && (await this.deps.models.installed(this.deps.models.entry(active.id)));
  }

  /** Newest stored benchmark per model id (catalogue models and the fixed one). */
  async benchmarks(): Promise<Map<string, BenchmarkResultView>> {
    const stored = await readBenchmarks(this.deps.benchmarkFile);
    const byPath = new Map<string, StoredBenchmark>();
    for (const b of stored.sort((a, c) => a.at.localeCompare(c.at))) byPath.set(b.modelPath, b);
    const out = new Map<string, BenchmarkResultView>();
    const candidates = [
      ...this.deps.models
        .catalogueIds()
        .map((id) => ({ id, path: this.deps.models.pathOf(this.deps.models.entry(id)) })),
      ...this.deps.models.importedModels(),
      ...(this.fixedModel ? [this.fixedModel] : []),
    ];
    for (const c of candidates) {
      const b = byPath.get(path.resolve(c.path));
      if (b) out.set(c.id, benchmarkView(c.id, b));
    }
    return out;
  }

  /** What registering declares: the active model's on-chain id and its benchmarked speed. */
  async declaration(): Promise<Declaration> {
    const active = this.activeModel();
    if (!active || !(await this.activeInstalled()))
      throw new PouwError("SETUP_INCOMPLETE", "download and choose a model before registering");
    const bench = (await this.benchmarks()).get(active.id);
    if (!bench)
      throw new PouwError(
        "SETUP_INCOMPLETE",
        "run the benchmark before registering: the speed declared on chain comes from it",
      );
    return { models: [modelIdOf(modelNameOf(active.path))], speed: declaredSpeed(bench) };
  }

  /** After any unlock: on the devnet the wallet gets gas money and a stake's worth of tokens. */
  async onUnlocked(signer: MinerSigner): Promise<void> {
    const { net } = this.deps;
    if (net.devAccounts) {
      const account = this.account();
      const stake = await minStakeOf(account.contracts);
      await fundOnDevnet({
        provider: net.provider,
        deployment: net.deployment,
        devAccounts: net.devAccounts,
        address: signer.address,
        tokensNeeded: stake * 2n,
        onLog: (l) => this.deps.log("info", l),
      });
    }
    await this.deps.progress.mark("wallet");
    await this.refresh();
  }

  setupComplete(): boolean {
    return this.deps.hub.current().setup?.complete ?? false;
  }

  /**
   * Recomputes every view. A run already going may have read the chain before the caller's change,
   * so calls made meanwhile coalesce into one more run and resolve when that one is done.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.queued ??= this.refreshing.then(() => {
        this.queued = undefined;
        return this.refresh();
      });
      return this.queued;
    }
    this.refreshing = this.refreshOnce()
      .catch((err: unknown) => this.deps.log("warn", `refresh: ${toErrorShape(err).message}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const { hub, wallet, progress, net } = this.deps;
    let blockNumber: number | undefined;
    let connected = true;
    try {
      blockNumber = await net.provider.getBlockNumber();
    } catch {
      connected = false;
    }
    if (hub instanceof FaultHub) hub.chainReached(connected);
    let walletView: WalletView | undefined;
    let registration: RegistrationView | undefined;
    const active = this.activeModel();
    if (wallet.signer && connected) {
      const account = this.account();
      walletView = await readWalletView(account, progress.has("backup"));
      registration = await readRegistrationView(account, active ? [modelNameOf(active.path)] : []);
      this.registered = registration.registered;
      if (this.registered) await progress.mark("register");
    }
    const modelInstalled = await this.activeInstalled();
    if (modelInstalled && active) await progress.mark("model");
    const setup = progress.view({ wallet: wallet.state, modelInstalled, registered: this.registered });
    const address = await wallet.address();
    hub.update((s) => {
      const next = {
        ...s,
        setup,
        network: { ...s.network, connected, ...(blockNumber !== undefined ? { blockNumber } : {}) },
      };
      if (address) next.walletAddress = address;
      if (walletView) next.wallet = walletView;
      if (registration) next.registration = registration;
      if (active) next.activeModelId = active.id;
      else delete next.activeModelId;
      const report = this.deps.report();
      if (report) {
        const gpu = report.probe.gpus[0];
        next.hardware = {
          cpu: report.probe.cpu.brand,
          logicalCores: report.probe.cpu.logicalCores,
          memoryBytes: report.probe.memory.totalBytes,
          ...(gpu ? { gpu: gpu.model } : {}),
        };
      }
      return next;
    });
    if (setup.complete) this.onComplete();
  }

  startPolling(ms: number): void {
    this.timer = setInterval(() => void this.refresh(), ms);
    this.timer.unref();
  }

  stopPolling(): void {
    clearInterval(this.timer);
  }
}
