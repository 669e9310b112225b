import type { MiningStatus } from "../../src-shared/app-contract.js";
import type { LogLevel } from "../../src-shared/app-views.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { WorkerSupervisor } from "../worker-client/supervisor.js";
import type { AppSessionOptions } from "./app-session.js";
import { levelOf } from "./log-buffer.js";
import { openMiner, type Miner } from "../miner/open-miner.js";
import type { SessionState } from "./session-state.js";

/**
 * The mining half of the session: once set-up is complete, the miner (openMiner) runs over the
 * session's network, unlocked wallet, settings and worker, and writes its mining state, tasks and
 * earnings straight into the session's snapshot hub.
 */
export class SessionMiner {
  /** Start mining as soon as the miner exists (a returning or unattended miner). */
  autoStart = false;
  private miner: Miner | undefined;
  private starting: Promise<void> | undefined;
  /** The active model's benchmarked speed, behind the earnings projection: read at start and after a benchmark, not per change. */
  private speed: number | undefined;
  private closed = false;

  constructor(
    private readonly deps: {
      options: AppSessionOptions;
      state: SessionState;
      /** The session's worker: the miner loads its model into it rather than starting another. */
      worker: WorkerSupervisor;
      log(level: LogLevel, message: string): void;
    },
  ) {}

  get running(): boolean {
    return this.miner !== undefined;
  }

  /** Starts the miner if set-up is complete and it is not running; failures show as the mining state. */
  ensure(): void {
    if (this.miner || this.starting || this.closed) return;
    void this.start().catch(() => undefined);
  }

  start(): Promise<void> {
    this.starting ??= this.open().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async open(): Promise<void> {
    const { options: o, state, log } = this.deps;
    const signer = state.wallet.signer;
    const active = state.activeModel();
    if (!signer || !active) throw new PouwError("SETUP_INCOMPLETE", "unlock the wallet and choose a model first");
    this.setMining({ state: "starting", reason: `Loading ${active.name}` });
    try {
      await this.benchmarked();
      const miner = await openMiner({
        hub: state.hub,
        network: state.net,
        signer,
        settings: state.settings,
        worker: this.deps.worker,
        dataDir: o.dataDir,
        modelPath: active.path,
        autoStart: this.autoStart,
        modelNames: () => state.modelNames(),
        projectionSpeed: () => this.speed,
        // A task that ended credited its reward on chain: the wallet's claimable amount changes now, not at the next poll.
        onTaskEnded: () => void state.refresh(),
        onLog: (line) => log(levelOf(line), line),
        ...(o.inference ? { inference: o.inference } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.idleSource ? { idleSource: o.idleSource } : {}),
        ...(o.batterySource ? { batterySource: o.batterySource } : {}),
        ...(o.activitySource ? { activitySource: o.activitySource } : {}),
      });
      if (this.closed) {
        await miner.close();
        return;
      }
      this.miner = miner;
      log("info", `miner ready: ${active.name} as ${signer.address}`);
    } catch (err) {
      const e = toErrorShape(err);
      this.setMining({ state: "error", reason: `Could not start the miner: ${e.message}` });
      log("error", `could not start the miner: ${e.message}`);
      throw err;
    }
  }

  private setMining(mining: MiningStatus): void {
    this.deps.state.hub.update((s) => ({ ...s, mining }));
  }

  /** Reads the active model's stored benchmark again (after a run of the benchmark). */
  async benchmarked(): Promise<void> {
    const { state } = this.deps;
    this.speed = (await state.benchmarks()).get(state.activeModel()?.id ?? "")?.tokensPerSecond;
  }

  tokensPerSecond(): number | undefined {
    return this.miner?.tokensPerSecond();
  }

  records(): TaskRecord[] {
    return this.miner?.records() ?? [];
  }

  deadlineOf(taskId: string): number | undefined {
    return this.miner?.deadlineOf(taskId);
  }

  modelId(): string | undefined {
    return this.miner?.modelId;
  }

  async startMining(): Promise<MiningStatus> {
    if (!this.deps.state.setupComplete())
      throw new PouwError("SETUP_INCOMPLETE", "finish setting up first: wallet, model and registration");
    this.autoStart = true;
    if (!this.miner) await this.start();
    return this.miner!.startMining();
  }

  async stopMining(params?: { force?: boolean }): Promise<MiningStatus> {
    if (!this.miner) return this.deps.state.hub.current().mining;
    this.autoStart = false;
    return this.miner.stopMining(params);
  }

  /** A draining stop, leaving one already under way alone (a second stopMining would force it). */
  async drain(): Promise<MiningStatus> {
    if (this.miner && this.deps.state.hub.current().mining.state === "stopping")
      return this.deps.state.hub.current().mining;
    return this.stopMining();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.miner?.close();
  }
}
