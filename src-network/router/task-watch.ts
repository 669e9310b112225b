import { toUtf8String, type JsonRpcProvider, type Log } from "ethers";
import type { TaskState } from "../../src-shared/pouw-states.js";
import { decodeTaskLog, eventTopics, type TaskEventName } from "../../src-main/miner/task-events.js";
import { LogSync } from "../../src-main/sync/log-sync.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";

/** What the router saw of one task on chain. */
export interface TaskTrace {
  taskId: bigint;
  states: Array<{ state: TaskState; txHash: string; block: number; atMs: number }>;
  /** Revealed outputs (inline reveals only) by slot. */
  reveals: Map<number, string>;
  /** PoI votes by result hash, and the transaction of each. */
  poi: Map<string, { scoresBps: number[]; txHash: string }>;
  finalized?: string;
  ended: boolean;
  touchedAt: number;
}

const WATCHED: readonly TaskEventName[] = ["TaskRequested", "StateChanged", "Revealed", "PoiSubmitted", "PoiFinalized"];
/** Traces nobody waits for (background tasks, answers already sent) are dropped after this. */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * One log follower for every request the router has in flight: it records each task's states
 * (with their transactions), reveals and PoI votes, and wakes whoever waits for a task's End.
 * Starts at the head it finds: the router only cares about tasks it requests from now on.
 */
export class TaskWatch {
  private readonly traces = new Map<string, TaskTrace>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private sync: LogSync | undefined;
  private lastPrune = Date.now();

  constructor(
    private readonly opts: {
      provider: JsonRpcProvider;
      tasksAddress: string;
      wsUrl?: string;
      pollMs?: number;
      onError?: (err: unknown) => void;
      /** Some task (anyone's) reached End: its miners are free again. */
      onTaskEnded?: () => void;
    },
  ) {}

  async start(): Promise<void> {
    const head = await this.opts.provider.getBlockNumber();
    const block = await this.opts.provider.getBlock(head);
    const sync = new LogSync({
      provider: this.opts.provider,
      ...(this.opts.wsUrl ? { wsUrl: this.opts.wsUrl } : {}),
      addresses: [this.opts.tasksAddress],
      topics: [eventTopics(WATCHED)],
      cursor: memoryCursorStore({ block: head, checkpoints: block?.hash ? [{ block: head, hash: block.hash }] : [] }),
      startBlock: head + 1,
      confirmations: 0,
      pollMs: this.opts.pollMs ?? 200,
      onLogs: async (logs) => this.handle(logs),
      ...(this.opts.onError ? { onError: this.opts.onError } : {}),
    });
    await sync.start();
    this.sync = sync;
  }

  async stop(): Promise<void> {
    await this.sync?.stop();
    this.sync = undefined;
    for (const set of this.waiters.values()) for (const wake of set) wake();
  }

  /** Looks for new logs now (e.g. right after our own transaction was mined). */
  poke(): void {
    void this.sync?.syncNow();
  }

  trace(taskId: bigint): TaskTrace | undefined {
    return this.traces.get(taskId.toString());
  }

  /** Resolves with the trace once the task reached End; undefined when `signal` aborts first. */
  async untilEnd(
    taskId: bigint,
    signal: AbortSignal,
    onChange?: (t: TaskTrace | undefined) => void,
  ): Promise<TaskTrace | undefined> {
    const key = taskId.toString();
    for (;;) {
      const t = this.traces.get(key);
      onChange?.(t);
      if (t?.ended) return t;
      if (signal.aborted || !this.sync) return undefined;
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(key) ?? new Set();
        this.waiters.set(key, set);
        const wake = () => {
          set.delete(wake);
          if (set.size === 0) this.waiters.delete(key);
          signal.removeEventListener("abort", wake);
          resolve();
        };
        set.add(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
  }

  /** Forgets a task once its answer is sent. */
  release(taskId: bigint): void {
    this.traces.delete(taskId.toString());
  }

  private handle(logs: readonly Log[]): void {
    const now = Date.now();
    const touched = new Set<string>();
    for (const log of logs) {
      const ev = decodeTaskLog(log);
      if (!ev || ev.name === "Withdrawn") continue;
      const key = ev.taskId.toString();
      let t = this.traces.get(key);
      if (!t) {
        t = { taskId: ev.taskId, states: [], reveals: new Map(), poi: new Map(), ended: false, touchedAt: now };
        this.traces.set(key, t);
      }
      t.touchedAt = now;
      touched.add(key);
      const at = { txHash: ev.meta.txHash, block: ev.meta.blockNumber, atMs: now };
      // At-least-once delivery: a state already recorded is not recorded twice.
      const add = (state: TaskState) => {
        if (!t.states.some((s) => s.state === state)) t.states.push({ state, ...at });
      };
      if (ev.name === "TaskRequested") add("Request");
      else if (ev.name === "StateChanged") {
        add(ev.to);
        if (ev.to === "End") t.ended = true;
      } else if (ev.name === "Revealed" && ev.inline) t.reveals.set(ev.slot, safeUtf8(ev.data));
      else if (ev.name === "PoiSubmitted")
        t.poi.set(ev.resultHash, { scoresBps: ev.scoresBps, txHash: ev.meta.txHash });
      else if (ev.name === "PoiFinalized") t.finalized = ev.resultHash;
    }
    for (const key of touched) for (const wake of [...(this.waiters.get(key) ?? [])]) wake();
    if ([...touched].some((key) => this.traces.get(key)?.ended)) this.opts.onTaskEnded?.();
    this.prune(now);
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 30_000) return;
    this.lastPrune = now;
    for (const [key, t] of this.traces)
      if (!this.waiters.has(key) && now - t.touchedAt > FORGET_AFTER_MS) this.traces.delete(key);
  }
}

function safeUtf8(hex: string): string {
  try {
    return toUtf8String(hex);
  } catch {
    return "";
  }
}
