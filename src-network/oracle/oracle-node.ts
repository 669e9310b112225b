import type { JsonRpcProvider, Log } from "ethers";
import { coalescedRunner, type CoalescedRunner } from "../../src-main/sync/coalesced-runner.js";
import type { ProtocolContracts } from "../../src-main/chain/contracts.js";
import { readSlots, readTask, type TaskView } from "../../src-main/chain/task-views.js";
import type { Journal } from "../../src-main/tx/journal.js";
import type { TxQueue } from "../../src-main/tx/tx-queue.js";
import { decodeTaskLog, eventTopics, type TaskEventName } from "../../src-main/miner/task-events.js";
import type { CursorStore } from "../../src-main/sync/cursor-store.js";
import { LogSync } from "../../src-main/sync/log-sync.js";
import type { Embedder } from "./embedder.js";
import { nextBlockCheck } from "./next-block-check.js";
import { fittingEmbedder } from "./fitting-embedder.js";
import { nextStep } from "./oracle-decide.js";
import { revealedOutputs, scoreOutputs } from "./oracle-poi.js";
import type { OpenTasksStore } from "./open-tasks-store.js";

export interface OracleNodeOptions {
  /** The oracle's address (the TxQueue's signer), registered in NodePool with role Oracle. */
  address: string;
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  txQueue: Pick<TxQueue, "send" | "recover">;
  journal: Journal;
  embedder: Embedder;
  /** How far the event sync got; with `openTasks`, what a restart resumes from. */
  cursor: CursorStore;
  openTasks: OpenTasksStore;
  /** First block that can hold task events (the deployment block). */
  startBlock: number;
  wsUrl?: string;
  /** How often deadlines are checked and the log sync polls. */
  pollMs?: number;
  confirmations?: number;
  onError?(err: unknown, taskId?: bigint): void;
}

/** Task steps running side by side at most (their reads, embeddings and sends overlap). */
const STEPS_IN_FLIGHT = 32;

/** Events that open, move or close a task: each one only marks the task for a fresh look. */
const WATCHED: readonly TaskEventName[] = [
  "TaskRequested",
  "StateChanged",
  "MinerAssigned",
  "Revealed",
  "PoiFinalized",
];

interface Watched {
  taskId: bigint;
  /** Last deadline read from the chain; undefined until the first read. */
  deadline?: number;
  /** Something happened (an event, our own transaction): read the task again on the next tick. */
  dirty: boolean;
  /** The task's step now running: one at a time per task, never waited for by the tick. */
  stepping?: Promise<void>;
  /** After a failed step, not retried before this wall-clock time (the next poll): no error spins. */
  retryAt?: number;
}

/**
 * The oracle duty (docs/oracle.md): follows task events, and on every tick — for each open task
 * whose deadline passed by the latest block's timestamp, or that an event touched — reads the task
 * from the chain and advances, reassigns, or scores the revealed outputs and submits PoI. Events
 * only wake a task; decisions come from the chain's state, and every transaction goes through the
 * journaled TxQueue under a key naming its occurrence, so replays and restarts never send twice.
 */
/** How far back a start re-checks the journal's confirmed transactions against the chain. */
const RECHECK_BLOCKS = 256;

export class OracleNode {
  private readonly watched = new Map<string, Watched>();
  private readonly ended = new Set<string>();
  private readonly sync: LogSync;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private recovered = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly steps = new Set<Promise<void>>();
  /** The last tick found more due tasks than free step slots. */
  private deferred = false;

  /** The configured embedder, cutting texts to what it holds rather than failing a task. */
  private readonly embedder: Embedder;

  constructor(private readonly opts: OracleNodeOptions) {
    this.embedder = fittingEmbedder(opts.embedder);
    this.sync = new LogSync({
      provider: opts.provider,
      ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
      addresses: [opts.contracts.tasks.address],
      topics: [eventTopics(WATCHED)],
      cursor: opts.cursor,
      startBlock: opts.startBlock,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.confirmations !== undefined ? { confirmations: opts.confirmations } : {}),
      onLogs: (logs) => this.handleLogs(logs),
      onReorg: (fromBlock) => this.reexamineFrom(fromBlock),
      ...(opts.onError ? { onError: (err: unknown) => opts.onError?.(err) } : {}),
    });
  }

  /**
   * The chain lost blocks from `fromBlock` on (a reorg, or a devnet's anvil restored from an older
   * state): what the oracle did there may be undone, including the End of a task it has since
   * forgotten, whose earlier events the sync will not deliver again. Those tasks are looked at anew.
   */
  private async reexamineFrom(fromBlock: number): Promise<void> {
    let changed = false;
    for (const a of this.opts.journal.actions()) {
      const block = a.confirmed?.data.block;
      if (typeof block !== "number" || block < fromBlock) continue;
      this.ended.delete(a.taskId);
      changed = this.watch(BigInt(a.taskId)) || changed;
    }
    if (changed) await this.saveOpen();
  }

  /** Finishes transactions a previous run journaled but did not see mined, and reloads open tasks. */
  async recover(): Promise<void> {
    await this.opts.txQueue.recover();
    for (const id of await this.opts.openTasks.load()) this.watch(id);
    await this.recheckRecent();
    this.recovered = true;
  }

  /**
   * What the journal says was mined in the last RECHECK_BLOCKS blocks (or beyond the head) is
   * looked up on chain: a devnet's anvil restored from a slightly older state has lost it, and a
   * task this node saw end may be open again. Those tasks are watched anew.
   */
  private async recheckRecent(): Promise<void> {
    const head = await this.opts.provider.getBlockNumber();
    let changed = false;
    for (const a of this.opts.journal.actions()) {
      const { block, hash } = a.confirmed?.data ?? {};
      if (typeof block !== "number" || typeof hash !== "string" || block <= head - RECHECK_BLOCKS) continue;
      if (await this.opts.provider.getTransactionReceipt(hash)) continue;
      this.ended.delete(a.taskId);
      changed = this.watch(BigInt(a.taskId)) || changed;
    }
    if (changed) await this.saveOpen();
  }

  async start(): Promise<void> {
    if (!this.recovered) await this.recover();
    this.running = true;
    await this.sync.start();
    this.timer = setInterval(() => void this.kick(), this.pollMs);
    this.timer.unref();
    await this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.sync.stop();
    await this.kick.idle();
    await Promise.allSettled([...this.steps]);
    await this.saving;
  }

  /** Task ids the oracle is watching now. */
  openTasks(): bigint[] {
    return [...this.watched.values()].map((w) => w.taskId);
  }

  /** Takes logs in chain order, at least once; a replay only marks tasks for another look. */
  async handleLogs(logs: readonly Log[]): Promise<void> {
    let changed = false;
    for (const log of logs) {
      const e = decodeTaskLog(log);
      if (!e || e.name === "Withdrawn") continue;
      const key = e.taskId.toString();
      if (this.ended.has(key)) continue;
      if (e.name === "StateChanged" && e.to === "End") {
        changed = this.forget(e.taskId) || changed;
        continue;
      }
      changed = this.watch(e.taskId) || changed;
    }
    if (changed) await this.saveOpen();
    if (this.running) void this.kick();
  }

  /** Looks at every due task now and resolves once the steps under way have settled. */
  async wake(): Promise<void> {
    do {
      await this.kick();
      await Promise.allSettled([...this.steps]);
    } while (this.deferred && this.running);
  }

  /**
   * Starts the steps of the tasks due now; concurrent calls coalesce into one more pass. A pass only
   * starts steps, it never waits for them: a task whose reveals just closed is stepped at once, not
   * after the PoI, advances and receipts of every other task in the previous pass.
   */
  private readonly kick: CoalescedRunner = coalescedRunner(() => this.tick(), {
    keepGoing: () => this.running,
    onError: (err) => this.opts.onError?.(err),
  });

  private get pollMs(): number {
    return this.opts.pollMs ?? 2_000;
  }

  private async tick(): Promise<void> {
    const block = await this.opts.provider.getBlock("latest");
    if (!block || !this.running) return;
    const now = Date.now();
    const due = [...this.watched.values()].filter(
      (w) =>
        !w.stepping &&
        (w.retryAt === undefined || now >= w.retryAt) &&
        (w.dirty || w.deadline === undefined || block.timestamp > w.deadline),
    );
    const room = Math.max(0, STEPS_IN_FLIGHT - this.steps.size);
    this.deferred = due.length > room;
    for (const w of due.slice(0, room)) this.launch(w, block.timestamp);
  }

  /** Runs one task's step on its own; when it ends, a task marked again or deferred gets a pass at once. */
  private launch(w: Watched, now: number): void {
    const run = (async () => {
      try {
        if (await this.step(w, now)) await this.saveOpen();
        w.retryAt = undefined;
      } catch (err) {
        w.dirty = true;
        w.retryAt = Date.now() + this.pollMs;
        this.opts.onError?.(err, w.taskId);
      }
    })().finally(() => {
      w.stepping = undefined;
      this.steps.delete(run);
      // Marked again meanwhile (an event, or our own transaction moved it): look again now.
      if (this.running && (w.dirty || this.deferred)) void this.kick();
    });
    w.stepping = run;
    this.steps.add(run);
  }

  /** One decision for one task; true when the task ended and was forgotten. */
  private async step(w: Watched, now: number): Promise<boolean> {
    const { tasks } = this.opts.contracts;
    // Cleared before the read: an event landing during it marks the task again.
    w.dirty = false;
    const t = await readTask(tasks, w.taskId);
    w.deadline = t.deadline;
    const slots = t.state === "Start" || t.state === "Precommit" ? await readSlots(tasks, w.taskId, t.k) : [];
    const step = nextStep(t, slots, now);
    switch (step.kind) {
      case "done":
        return this.forget(w.taskId);
      case "wait":
        return false;
      case "advance":
        await this.send(w, t, step.action, "advance", [w.taskId]);
        return false;
      case "assign": {
        // Checked against the next block first: while nobody is idle, look again next poll.
        const can = await this.canCall("assign", [w.taskId], ["NoMinersAvailable", "WrongState", "DeadlinePassed"]);
        if (can !== true) {
          // Nobody idle yet: look again next poll. Drawn by someone else (or expired): the next read decides.
          w.dirty = can === "NoMinersAvailable" || can === "WrongState";
          return false;
        }
        try {
          await this.send(w, t, `assign:${await this.opts.provider.getBlockNumber()}`, "assign", [w.taskId]);
        } catch (err) {
          // Another draw took the idle miners (or this task) between the check and the send: look again.
          if (
            (await this.canCall("assign", [w.taskId], ["NoMinersAvailable", "WrongState", "DeadlinePassed"])) === true
          )
            throw err;
          w.dirty = true;
        }
        return false;
      }
      case "poi": {
        if (await this.confirmed(w.taskId, step.action)) return false;
        const { texts } = await revealedOutputs(this.opts.provider, tasks.address, w.taskId, t.k, this.opts.startBlock);
        const { scoresBps } = await scoreOutputs(this.embedder, texts);
        await this.send(w, t, step.action, "submitPoi", [w.taskId, scoresBps]);
        return false;
      }
      case "reassign": {
        // One slot per pass: a reassign restarts the deadline, so the next stalled slot waits for it.
        const first = step.slots[0]!;
        if ((await this.canCall("reassign", [w.taskId, first.slot], ["NoMinersAvailable"])) === true)
          await this.send(w, t, first.action, "reassign", [w.taskId, first.slot]);
        else await this.send(w, t, step.advanceAction, "advance", [w.taskId]);
        return false;
      }
    }
  }

  private canCall(method: "assign" | "reassign", args: unknown[], expected: readonly string[]): Promise<true | string> {
    return nextBlockCheck(this.opts.provider, this.opts.address, this.opts.contracts.tasks, method, args, expected);
  }

  private async send(
    w: Watched,
    seen: TaskView,
    action: string,
    method: "advance" | "assign" | "reassign" | "submitPoi",
    args: unknown[],
  ): Promise<void> {
    // A confirmed action stays done even if it reverted: the next state gives a new key.
    if (await this.confirmed(w.taskId, action)) return;
    const { tasks } = this.opts.contracts;
    w.dirty = true;
    try {
      await this.opts.txQueue.send({
        taskId: w.taskId.toString(),
        action,
        to: tasks.address,
        data: tasks.contract.interface.encodeFunctionData(method, args),
      });
    } catch (err) {
      // Another oracle moved the task first: not an error, the next tick decides from the new state.
      const now = await readTask(tasks, w.taskId);
      if (now.state !== seen.state || now.deadline !== seen.deadline || now.revealsClosed !== seen.revealsClosed)
        return;
      throw err;
    }
  }

  /**
   * Whether the journal says the action was mined and the chain still has it. The same action
   * comes up again only when its transaction reverted (its receipt is there: done) or the chain
   * was rewound past it (a devnet's anvil restored from an older state: no receipt, send again).
   */
  private async confirmed(taskId: bigint, action: string): Promise<boolean> {
    const id = taskId.toString();
    const state = this.opts.journal.actions().find((a) => a.taskId === id && a.action === action);
    const hash = state?.confirmed?.data.hash;
    if (typeof hash !== "string") return false;
    if (await this.opts.provider.getTransactionReceipt(hash)) return true;
    this.opts.onError?.(
      new Error(`oracle: ${action} of task ${id} (${hash}) is no longer on chain (rewound?); sending it again`),
    );
    return false;
  }

  private watch(taskId: bigint): boolean {
    const key = taskId.toString();
    const w = this.watched.get(key);
    if (w) {
      w.dirty = true;
      return false;
    }
    this.watched.set(key, { taskId, dirty: true });
    return true;
  }

  private forget(taskId: bigint): boolean {
    const key = taskId.toString();
    this.ended.add(key);
    return this.watched.delete(key);
  }

  /** Saves run one after another, each writing the list as it is then: the last write is the latest. */
  private saveOpen(): Promise<void> {
    const run = this.saving.then(() => this.opts.openTasks.save(this.openTasks()));
    this.saving = run.catch(() => undefined);
    return run;
  }
}
