import type { MiningStatus } from "../../src-shared/app-contract.js";
import type { LogLevel } from "../../src-shared/app-views.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { AppSessionOptions } from "./app-session.js";
import { earningsView, rewardBaseline } from "./earnings-view.js";
import { ThroughputMeter } from "./live-samples.js";
import { levelOf } from "./log-buffer.js";
import { createMinerCore, type MinerCore } from "./miner-core.js";
import type { SessionState } from "./session-state.js";
import type { WorkerSupervisor } from "../worker/supervisor.js";
import { liveTasks, withModelName } from "./task-queries.js";

/**
 * The mining half of the session: once set-up is complete, createMinerCore runs over the session's
 * network, unlocked wallet and settings; its mining state is mirrored into the session's snapshot,
 * and tasks and earnings are built from its records (with deadlines and periods it does not know).
 */
export class SessionMiner {
  /** Start mining as soon as the miner exists (a returning or unattended miner). */
  autoStart = false;
  private core: MinerCore | undefined;
  private starting: Promise<void> | undefined;
  private baseline: ReadonlyMap<string, bigint> = new Map();
  private readonly meter = new ThroughputMeter();
  private readonly measured = new Set<string>();
  private deadlines = new Map<string, number>();
  private ended = 0;
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
    return this.core !== undefined;
  }

  /** Starts the miner if set-up is complete and it is not running; failures show as the mining state. */
  ensure(): void {
    if (this.core || this.starting || this.closed) return;
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
      const core = await createMinerCore({
        dataDir: o.dataDir,
        network: o.network,
        appVersion: o.appVersion,
        attach: { network: state.net, signer, settings: state.settings, worker: this.deps.worker },
        modelPath: active.path,
        autoStart: this.autoStart,
        onLog: (line) => log(levelOf(line), line),
        ...(o.inference ? { inference: o.inference } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.idleSource ? { idleSource: o.idleSource } : {}),
        ...(o.batterySource ? { batterySource: o.batterySource } : {}),
      });
      if (this.closed) {
        await core.close();
        return;
      }
      this.core = core;
      this.baseline = rewardBaseline(core.taskRecords());
      for (const r of core.taskRecords()) this.measured.add(`${r.taskId}#${r.slot}`);
      core.onPatch(() => void this.mirror());
      await this.mirror();
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

  /** The miner's state, tasks (with deadlines) and earnings (with periods and projection). */
  private async mirror(): Promise<void> {
    const core = this.core;
    if (!core) return;
    const inFlight = core.taskRecords().filter((r) => r.states.at(-1)?.state !== "End").map((r) => r.taskId);
    try {
      this.deadlines = await this.deps.state.deadlines([...new Set(inFlight)]);
    } catch {
      // A deadline is a nicety; the chain being briefly away must not stop the mirror.
    }
    const bench = (await this.deps.state.benchmarks()).get(this.deps.state.activeModel()?.id ?? "");
    // Read records and state only now, after the awaits, so an earlier mirror never wins with older ones.
    const records = core.taskRecords();
    this.measure(records);
    const mining = core.getSnapshot().snapshot.mining;
    const names = this.deps.state.modelNames();
    // A task that ended credited its reward on chain: the wallet's claimable amount changes now,
    // not at the next poll.
    const ended = records.filter((r) => r.states.at(-1)?.state === "End").length;
    if (ended > this.ended) void this.deps.state.refresh();
    this.ended = ended;
    this.deps.state.hub.update((s) => ({
      ...s,
      mining,
      tasks: liveTasks(records, this.deadlines).map((t) => withModelName(t, names)),
      earnings: earningsView(records, this.baseline, { nowMs: Date.now(), ...(bench ? { tokensPerSecond: bench.tokensPerSecond } : {}) }),
    }));
  }

  /** Each record's tokens count once, when its inference is first seen finished. */
  private measure(records: readonly TaskRecord[]): void {
    for (const r of records) {
      const key = `${r.taskId}#${r.slot}`;
      if (r.tokens === undefined || this.measured.has(key)) continue;
      this.measured.add(key);
      this.meter.add(r.tokens);
    }
  }

  tokensPerSecond(): number | undefined {
    return this.core ? this.meter.tokensPerSecond() : undefined;
  }

  records(): TaskRecord[] {
    return this.core?.taskRecords() ?? [];
  }

  deadlineOf(taskId: string): number | undefined {
    return this.deadlines.get(taskId);
  }

  modelId(): string | undefined {
    return this.core?.modelId;
  }

  async startMining(): Promise<MiningStatus> {
    if (!this.deps.state.setupComplete()) throw new PouwError("SETUP_INCOMPLETE", "finish setting up first: wallet, model and registration");
    this.autoStart = true;
    if (!this.core) await this.start();
    const status = await this.core!.startMining();
    await this.mirror();
    return status;
  }

  async stopMining(params?: { force?: boolean }): Promise<MiningStatus> {
    if (!this.core) return this.deps.state.hub.current().mining;
    this.autoStart = false;
    const status = await this.core.stopMining(params);
    await this.mirror();
    return status;
  }

  /** A draining stop, leaving one already under way alone (a second stopMining would force it). */
  async drain(): Promise<MiningStatus> {
    if (this.core?.getSnapshot().snapshot.mining.state === "stopping") return this.deps.state.hub.current().mining;
    return this.stopMining();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.core?.close();
  }
}
