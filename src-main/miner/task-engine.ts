import type { JsonRpcProvider, Log } from "ethers";
import { toErrorShape, type ErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { ProtocolContracts } from "../chain/contracts.js";
import type { Journal } from "../tx/journal.js";
import type { TxQueue } from "../tx/tx-queue.js";
import type { SpeedProfile } from "../scheduler/admission.js";
import { stepCreator } from "./creator-steps.js";
import { owesSteps } from "./drain-plan.js";
import type { EngineContext } from "./engine-context.js";
import { EngineJournal, type Role } from "./engine-journal.js";
import type { Inference } from "./inference.js";
import { InferenceLine } from "./inference-line.js";
import { stepMinerSlot, type StepResult } from "./miner-steps.js";
import type { RecordsStore } from "./records-store.js";
import { TaskInputs } from "./task-inputs.js";
import { decodeTaskLog, eventKey, type TaskEvent } from "./task-events.js";

export interface TaskEngineOptions {
  /** This miner's address (the TxQueue's signer). */
  address: string;
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  txQueue: Pick<TxQueue, "send" | "recover">;
  inference: Inference;
  journal: Journal;
  records: RecordsStore;
  /** First block that can hold task events (the deployment block). */
  fromBlock: number;
  /** Milliseconds since the epoch; for record timestamps. */
  clock?: () => number;
  /** When set, assignments this machine cannot answer before the precommit deadline are declined. */
  speedProfile?: SpeedProfile;
  txSeconds?: number;
  backgroundMaxTokens?: number;
  /** While this returns a reason, new assignments are not acked (tasks already acked go on). */
  paused?: () => string | undefined;
  onChange?: (record: TaskRecord) => void;
  /** A step failed; it is retried on the task's next event or `poke()`. */
  onError?: (taskId: string, error: ErrorShape) => void;
}

interface Tracked {
  taskId: bigint;
  role: Role;
  slot: number;
  finished: boolean;
  running?: Promise<void>;
  again: boolean;
}

/** Steps in a row for one task before yielding; a task needs at most a handful. */
const MAX_STEPS = 16;

/**
 * The miner's task engine: for each task this miner is assigned (or creates), a local mirror of the
 * chain's state machine that acks, answers, precommits and reveals before each deadline. Events
 * only wake a task; every decision is made from the chain's state at that moment plus the journal,
 * so replays and duplicates are no-ops and a restart continues where the chain is (docs/miner.md).
 */
export class TaskEngine {
  private readonly ctx: EngineContext;
  private readonly tracked = new Map<string, Tracked>();
  private readonly seen = new Set<string>();
  private readonly line = new InferenceLine();
  /** Set by a stop: no step starts (one already running finishes) until resume(). */
  private halted = false;

  constructor(private readonly opts: TaskEngineOptions) {
    const journal = new EngineJournal(opts.journal);
    this.ctx = {
      address: opts.address,
      contracts: opts.contracts,
      provider: opts.provider,
      txQueue: opts.txQueue,
      inference: opts.inference,
      journal,
      records: opts.records,
      inputs: new TaskInputs(opts.provider, opts.contracts.tasks.address, opts.fromBlock),
      clock: opts.clock ?? Date.now,
      ...(opts.speedProfile ? { speedProfile: opts.speedProfile } : {}),
      txSeconds: opts.txSeconds ?? 5,
      backgroundMaxTokens: opts.backgroundMaxTokens ?? 64,
      ...(opts.paused ? { paused: opts.paused } : {}),
      halted: () => this.halted,
      infer: (task, role, req) =>
        this.line.run(
          {
            taskId: `${task.id}:${role}`,
            background: task.background,
            priority: task.priority,
            deadline: task.deadline,
          },
          () => opts.inference.generate(req),
        ),
      onChange: (r) => opts.onChange?.(r),
    };
  }

  /** Finishes what a previous run left: pending transactions first, then every unfinished task. */
  async recover(): Promise<void> {
    await this.opts.txQueue.recover();
    for (const t of this.ctx.journal.unfinished()) this.track(BigInt(t.taskId), t.role, t.slot);
  }

  /** LogSync's onLogs: durable once it returns (assignments are journaled), work runs after. */
  async handleLogs(logs: readonly Log[]): Promise<void> {
    for (const log of logs) {
      const ev = decodeTaskLog(log);
      if (!ev) continue;
      const key = eventKey(ev.meta);
      if (this.seen.has(key)) continue;
      await this.handleEvent(ev);
      this.seen.add(key);
    }
  }

  async handleEvent(ev: TaskEvent): Promise<void> {
    if (ev.name === "Withdrawn") return;
    const me = this.opts.address.toLowerCase();
    const id = ev.taskId.toString();
    if (ev.name === "MinerAssigned" && ev.miner.toLowerCase() === me) {
      if (this.ctx.journal.finished(id, "miner")) return;
      await this.ctx.journal.recordAssignment(id, "miner", ev.slot);
      this.track(ev.taskId, "miner", ev.slot);
      return;
    }
    if (ev.name === "CreatorAssigned" && ev.miner.toLowerCase() === me) {
      if (this.ctx.journal.finished(id, "creator")) return;
      await this.ctx.journal.recordAssignment(id, "creator", 0);
      this.track(ev.taskId, "creator", 0);
      return;
    }
    // Anything else about a task we hold may have moved it: look again.
    this.wake(id, "miner");
    this.wake(id, "creator");
  }

  /** Looks at every unfinished task again (e.g. on a timer, to catch passed deadlines). */
  poke(): void {
    for (const t of this.tracked.values()) this.wake(t.taskId.toString(), t.role);
  }

  /** Resolves once no task step is running or queued. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.tracked.values()]
        .map((t) => t.running)
        .filter((p): p is Promise<void> => p !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Tasks this miner took on and still owes steps: what a draining stop waits for (drain-plan.ts). */
  inFlight(): Array<{ taskId: string; role: Role; slot: number }> {
    return this.active().filter((t) => owesSteps(t.role, this.ctx.journal.actionsOf(t.taskId)));
  }

  /** Mining stopped: take no further step; the journal lets a later start (or restart) go on. */
  halt(): void {
    this.halted = true;
  }

  resume(): void {
    this.halted = false;
    this.poke();
  }

  /** Tasks this engine holds and has not finished. */
  active(): Array<{ taskId: string; role: Role; slot: number }> {
    return [...this.tracked.values()]
      .filter((t) => !t.finished)
      .map((t) => ({ taskId: t.taskId.toString(), role: t.role, slot: t.slot }));
  }

  private track(taskId: bigint, role: Role, slot: number): void {
    const key = `${taskId}:${role}`;
    const existing = this.tracked.get(key);
    if (existing && existing.slot === slot) return this.wake(taskId.toString(), role);
    this.tracked.set(key, { taskId, role, slot, finished: false, again: false });
    this.wake(taskId.toString(), role);
  }

  private wake(id: string, role: Role): void {
    const t = this.tracked.get(`${id}:${role}`);
    if (!t || t.finished || this.halted) return;
    if (t.running) {
      t.again = true;
      return;
    }
    t.running = this.run(t).finally(() => {
      t.running = undefined;
    });
  }

  private async run(t: Tracked): Promise<void> {
    do {
      t.again = false;
      for (let i = 0; i < MAX_STEPS && !t.finished && !this.halted; i++) {
        let result: StepResult;
        try {
          result =
            t.role === "miner"
              ? await stepMinerSlot(this.ctx, t.taskId, t.slot)
              : await stepCreator(this.ctx, t.taskId);
        } catch (err) {
          // A stop cuts a step short on purpose: not an error to report.
          if (!this.halted) this.opts.onError?.(t.taskId.toString(), toErrorShape(err, "CHAIN_ERROR"));
          return;
        }
        if (result === "finished") t.finished = true;
        if (result !== "progressed") break;
      }
    } while (t.again && !t.finished && !this.halted);
  }
}
