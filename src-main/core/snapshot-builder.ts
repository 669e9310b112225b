import type { Earnings, TaskSummary } from "../../src-shared/app-contract.js";
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
