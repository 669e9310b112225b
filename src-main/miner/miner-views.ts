import type { JsonRpcProvider } from "ethers";
import type { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { PouwTasks } from "../chain/contracts.js";
import { readTask } from "../chain/task-views.js";
import { earningsView, rewardBaseline } from "../earnings/earnings-view.js";
import { ThroughputMeter } from "../session/live-samples.js";
import { liveTasks, withModelName, type ModelNames } from "./task-queries.js";

/** How often deadlines and earnings periods are looked at again without a record changing. */
export const VIEWS_REFRESH_MS = 2_000;
/** Deadlines read per refresh, at most: a miner holds a task or two, never this many. */
const MAX_DEADLINES = 20;

const keyOf = (r: Pick<TaskRecord, "taskId" | "slot">) => `${r.taskId}#${r.slot}`;
const ended = (r: TaskRecord) => r.states.at(-1)?.state === "End";

export interface MinerViewsOptions {
  /** Where the views go: this writes the snapshot's `tasks` and `earnings`, nothing else. */
  hub: SnapshotHub;
  records(): readonly TaskRecord[];
  /** Wall-clock deadlines of these tasks (deadlineReader); a failure leaves the last ones shown. */
  deadlines(taskIds: readonly string[]): Promise<Map<string, number>>;
  /** Model names to show by on-chain id. */
  names(): ModelNames;
  /** Generation speed for the earnings projection; none without a benchmark. */
  tokensPerSecond(): number | undefined;
  /** A task reached End: its reward is credited on chain (the wallet's claimable amount changed). */
  onEnded?(): void;
}

/**
 * The miner's records as the dashboard shows them — the live tasks with their deadlines and the
 * earnings — written straight into the snapshot when a record changes. Deadlines change with the
 * chain's state, not only with our records, and earnings periods move with the clock: both are
 * looked at again every few seconds, the deadlines only of tasks in flight.
 */
export class MinerViews {
  private baseline: ReadonlyMap<string, bigint> = new Map();
  private readonly measured = new Set<string>();
  private readonly meter = new ThroughputMeter();
  private deadlines = new Map<string, number>();
  private endedCount = 0;
  private started = false;
  private reading = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: MinerViewsOptions) {}

  /**
   * Takes the records as they are now (after the engine's recovery) as this session's start — earlier
   * rewards and tokens are not this session's —, shows the views and keeps them fresh until stop().
   */
  start(intervalMs = VIEWS_REFRESH_MS): void {
    const records = this.o.records();
    this.baseline = rewardBaseline(records);
    for (const r of records) this.measured.add(keyOf(r));
    this.endedCount = records.filter(ended).length;
    this.started = true;
    this.write();
    void this.readDeadlines();
    this.timer = setInterval(() => void this.readDeadlines(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** A record changed: shown at once, then again once its task's deadline was read. Changes during recovery (before start) are in start's records. */
  changed(record: TaskRecord): void {
    if (!this.started) return;
    const key = keyOf(record);
    if (record.tokens !== undefined && !this.measured.has(key)) {
      this.measured.add(key);
      this.meter.add(record.tokens);
    }
    const endedNow = this.o.records().filter(ended).length;
    if (endedNow > this.endedCount) this.o.onEnded?.();
    this.endedCount = endedNow;
    this.write();
    if (!this.stopped) void this.readDeadlines();
  }

  /** Tokens per second generated lately (finished inferences), for the live samples. */
  tokensPerSecond(): number {
    return this.meter.tokensPerSecond();
  }

  deadlineOf(taskId: string): number | undefined {
    return this.deadlines.get(taskId);
  }

  private write(): void {
    const records = this.o.records();
    const names = this.o.names();
    const speed = this.o.tokensPerSecond();
    this.o.hub.update((s) => ({
      ...s,
      tasks: liveTasks(records, this.deadlines).map((t) => withModelName(t, names)),
      earnings: earningsView(records, this.baseline, {
        nowMs: Date.now(),
        ...(speed !== undefined ? { tokensPerSecond: speed } : {}),
      }),
    }));
  }

  /**
   * One read at a time, so a slow node does not pile reads up; a record that changed meanwhile gets
   * one more read after it. Always ends with a write: earnings periods move with the clock.
   */
  private async readDeadlines(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    do {
      this.again = false;
      try {
        const inFlight = [
          ...new Set(
            this.o
              .records()
              .filter((r) => !ended(r))
              .map((r) => r.taskId),
          ),
        ];
        this.deadlines = inFlight.length === 0 ? new Map() : await this.o.deadlines(inFlight.slice(0, MAX_DEADLINES));
      } catch {
        // A deadline is a nicety; the chain being briefly away must not stop the views.
      }
      this.write();
    } while (this.again && !this.stopped);
    this.reading = false;
  }
}

/** Deadlines of tasks as wall-clock ms: chain time may run ahead of ours (a devnet's advanced clock). */
export function deadlineReader(
  provider: JsonRpcProvider,
  tasks: PouwTasks,
): (taskIds: readonly string[]) => Promise<Map<string, number>> {
  return async (taskIds) => {
    const out = new Map<string, number>();
    const head = await provider.getBlock("latest");
    if (!head) return out;
    for (const id of taskIds) {
      const view = await readTask(tasks, BigInt(id));
      if (view.deadline > 0) out.set(id, Date.now() + (view.deadline - head.timestamp) * 1000);
    }
    return out;
  };
}
