import type { TaskRecord } from "../../src-shared/task-record.js";

export interface EarningsBucket {
  /** Start of the bucket, unix seconds. */
  start: number;
  userReward: bigint;
  backgroundReward: bigint;
  gasSpent: bigint;
  tasks: number;
}

export interface EarningsSummary {
  userReward: bigint;
  backgroundReward: bigint;
  gasSpent: bigint;
  tasks: number;
}

/** When a record earned: the time of its last confirmed state. */
function earnedAt(r: TaskRecord): number | undefined {
  return r.states.at(-1)?.at;
}

/**
 * Rewards in the network token and gas in the native currency are kept apart rather than netted
 * here: they are different assets, and netting needs a price the dashboard supplies.
 */
export function summarize(records: readonly TaskRecord[], fromSeconds: number, toSeconds: number): EarningsSummary {
  const s: EarningsSummary = { userReward: 0n, backgroundReward: 0n, gasSpent: 0n, tasks: 0 };
  for (const r of records) {
    const t = earnedAt(r);
    if (t === undefined || t < fromSeconds || t >= toSeconds) continue;
    if (r.kind === "user") s.userReward += BigInt(r.reward);
    else s.backgroundReward += BigInt(r.reward);
    s.gasSpent += BigInt(r.gasSpent);
    s.tasks++;
  }
  return s;
}

/** Fixed-width buckets (hour, day, week) from `fromSeconds` to `toSeconds`, empty ones included. */
export function bucketize(
  records: readonly TaskRecord[],
  fromSeconds: number,
  toSeconds: number,
  widthSeconds: number,
): EarningsBucket[] {
  const count = Math.max(0, Math.ceil((toSeconds - fromSeconds) / widthSeconds));
  const buckets: EarningsBucket[] = Array.from({ length: count }, (_, i) => ({
    start: fromSeconds + i * widthSeconds,
    userReward: 0n,
    backgroundReward: 0n,
    gasSpent: 0n,
    tasks: 0,
  }));
  for (const r of records) {
    const t = earnedAt(r);
    if (t === undefined || t < fromSeconds || t >= toSeconds) continue;
    const b = buckets[Math.floor((t - fromSeconds) / widthSeconds)]!;
    if (r.kind === "user") b.userReward += BigInt(r.reward);
    else b.backgroundReward += BigInt(r.reward);
    b.gasSpent += BigInt(r.gasSpent);
    b.tasks++;
  }
  return buckets;
}

/**
 * Expected reward per day: the recent reward per task times how many tasks this machine could
 * serve per day, capped by how many the network actually offered recently. A projection, labelled
 * as such in the UI — never a promise.
 */
export function projectDailyReward(opts: {
  recent: EarningsSummary;
  recentSeconds: number;
  /** Tasks per second this machine can do, from the benchmark. */
  capacityTasksPerSecond: number;
}): bigint {
  const { recent, recentSeconds } = opts;
  if (recent.tasks === 0 || recentSeconds <= 0) return 0n;
  const perTask = (recent.userReward + recent.backgroundReward) / BigInt(recent.tasks);
  const demandPerDay = (recent.tasks / recentSeconds) * 86_400;
  const capacityPerDay = opts.capacityTasksPerSecond * 86_400;
  const tasksPerDay = Math.floor(Math.min(demandPerDay, capacityPerDay));
  return perTask * BigInt(tasksPerDay);
}
