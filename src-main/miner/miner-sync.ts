import { zeroPadValue, type JsonRpcProvider, type Log } from "ethers";
import type { CursorStore } from "../sync/cursor-store.js";
import { LogSync } from "../sync/log-sync.js";
import { eventTopics, MINER_INDEXED_EVENTS, TASK_WIDE_EVENTS } from "./task-events.js";
import type { TaskEngine } from "./task-engine.js";

export interface MinerSyncOptions {
  provider: JsonRpcProvider;
  wsUrl?: string;
  tasksAddress: string;
  miner: string;
  startBlock: number;
  /** Two cursors: one per filter, each moves at its own pace. */
  cursors: { mine: CursorStore; taskWide: CursorStore };
  engine: Pick<TaskEngine, "handleLogs" | "poke">;
  pollMs?: number;
  /** How often every held task is looked at again without an event. */
  pokeMs?: number;
  confirmations?: number;
  onError?(err: unknown): void;
}

/**
 * Feeds the engine from the chain with two filters, because eth_getLogs cannot OR across topic
 * positions: events that index this miner (its assignments, acks, credits …), and the task-wide
 * StateChanged/PoiFinalized that tell a held task moved on. The engine ignores tasks it does not
 * hold. A timer also pokes the engine, so a step that failed (e.g. a node hiccup) is retried
 * without waiting for the task's next event.
 */
export class MinerSync {
  private readonly syncs: LogSync[];
  private timer: NodeJS.Timeout | undefined;

  private readonly engine: MinerSyncOptions["engine"];
  private readonly pokeMs: number;

  constructor(opts: MinerSyncOptions) {
    this.engine = opts.engine;
    this.pokeMs = opts.pokeMs ?? 5_000;
    const common = {
      provider: opts.provider,
      ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
      addresses: [opts.tasksAddress],
      startBlock: opts.startBlock,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.confirmations !== undefined ? { confirmations: opts.confirmations } : {}),
      onLogs: (logs: Log[]) => opts.engine.handleLogs(logs),
      ...(opts.onError ? { onError: opts.onError } : {}),
    };
    this.syncs = [
      new LogSync({
        ...common,
        topics: [eventTopics(MINER_INDEXED_EVENTS), null, zeroPadValue(opts.miner, 32)],
        cursor: opts.cursors.mine,
      }),
      new LogSync({ ...common, topics: [eventTopics(TASK_WIDE_EVENTS)], cursor: opts.cursors.taskWide }),
    ];
  }

  /** Assignments first, so a task-wide event finds its task already held. */
  async syncNow(): Promise<void> {
    for (const s of this.syncs) await s.syncNow();
  }

  async start(): Promise<void> {
    for (const s of this.syncs) await s.start();
    this.timer = setInterval(() => this.engine.poke(), this.pokeMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const s of this.syncs) await s.stop();
  }
}
