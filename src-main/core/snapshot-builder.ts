import type { AppSnapshot, Earnings, PatchMessage, SnapshotMessage, TaskSummary } from "../../src-shared/app-contract.js";
import { diff } from "../../src-shared/json-patch.js";
import type { TaskRecord } from "../../src-shared/task-record.js";

/**
 * One row per record; its stage is the last PoUW state the chain confirmed for it. Records keep unix
 * seconds; `updatedAt` is milliseconds, what `new Date()` in the dashboard takes.
 */
export function taskSummaries(records: readonly TaskRecord[]): TaskSummary[] {
  return records
    .map((r) => {
      const last = r.states.at(-1);
      return { id: `${r.taskId}#${r.slot}`, stage: last?.state ?? "Request", modelId: r.modelId, updatedAt: (last?.at ?? 0) * 1000 };
    })
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

const rewardKey = (r: TaskRecord) => `${r.taskId}#${r.slot}`;

/** Each record's reward when the core opened its history: what this session did not earn. */
export function rewardBaseline(records: readonly TaskRecord[]): ReadonlyMap<string, bigint> {
  return new Map(records.map((r) => [rewardKey(r), BigInt(r.reward)]));
}

/**
 * Rewards from the records. "Session" is what was credited since launch, measured against the
 * baseline rather than by timestamp: records keep whole seconds, too coarse to tell a reward
 * credited just before a restart from one just after.
 */
export function earningsOf(records: readonly TaskRecord[], baseline: ReadonlyMap<string, bigint>): Earnings {
  let total = 0n;
  let session = 0n;
  let completed = 0;
  for (const r of records) {
    const reward = BigInt(r.reward);
    total += reward;
    session += reward - (baseline.get(rewardKey(r)) ?? 0n);
    if (r.outcome === "Completed") completed++;
  }
  return { totalWei: total.toString(), sessionWei: session.toString(), tasksCompleted: completed };
}

/** Holds the snapshot and its revision; every change becomes one patch sent to every listener. */
export class SnapshotHub {
  private rev = 0;
  private readonly listeners = new Set<(patch: PatchMessage) => void>();

  constructor(private snapshot: AppSnapshot) {}

  current(): AppSnapshot {
    return this.snapshot;
  }

  message(): SnapshotMessage {
    return { rev: this.rev, snapshot: this.snapshot };
  }

  update(change: (s: AppSnapshot) => AppSnapshot): void {
    const next = change(this.snapshot);
    const ops = diff(this.snapshot, next);
    this.snapshot = next;
    if (ops.length === 0) return;
    this.rev += 1;
    const message: PatchMessage = { rev: this.rev, ops };
    for (const listener of this.listeners) listener(message);
  }

  subscribe(listener: (patch: PatchMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }
}
