import type { Earnings, EarningsBucket, EarningsPeriod } from "../../src-shared/app-views.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { bucketize, projectDailyReward, summarize, type EarningsSummary } from "./earnings.js";

const rewardKey = (r: TaskRecord) => `${r.taskId}#${r.slot}`;

/** Each record's reward when the miner opened its history: what this session did not earn. */
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

const HOUR = 3_600;
const DAY = 86_400;
/** A task's tokens when no record says (the background tasks' budget). */
const DEFAULT_TASK_TOKENS = 64;

function period(s: EarningsSummary): EarningsPeriod {
  return {
    userWei: s.userReward.toString(),
    backgroundWei: s.backgroundReward.toString(),
    gasWei: s.gasSpent.toString(),
    tasks: s.tasks,
  };
}

function bucketsView(records: readonly TaskRecord[], from: number, to: number, width: number): EarningsBucket[] {
  return bucketize(records, from, to, width).map((b) => ({ ...period(b), start: b.start * 1000 }));
}

/** Local midnight of the day holding `ms`, in unix seconds (the "today" a person means). */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return Math.floor(d.getTime() / 1000);
}

/**
 * Tasks per second this machine can serve: generation speed over the tokens a task takes (the
 * recent tasks' average, else the background budget). Undefined without a benchmark.
 */
export function capacityTasksPerSecond(
  tokensPerSecond: number | undefined,
  records: readonly TaskRecord[],
): number | undefined {
  if (!tokensPerSecond || tokensPerSecond <= 0) return undefined;
  const sized = records.filter((r) => r.tokens !== undefined && r.tokens > 0);
  const avgTokens = sized.length > 0 ? sized.reduce((n, r) => n + r.tokens!, 0) / sized.length : DEFAULT_TASK_TOKENS;
  return tokensPerSecond / avgTokens;
}

/**
 * The dashboard's earnings: totals (earningsOf), today since local midnight, the last 7 and 30
 * days, the last 24 hours by hour and 30 days by day (oldest first), and a projection per day from
 * the last week's demand capped by this machine's capacity — only when the benchmark is known.
 */
export function earningsView(
  records: readonly TaskRecord[],
  baseline: ReadonlyMap<string, bigint>,
  opts: { nowMs: number; tokensPerSecond?: number },
): Earnings {
  const now = Math.floor(opts.nowMs / 1000);
  const end = now + 1; // a record stamped this very second counts
  const today = startOfLocalDay(opts.nowMs);
  const hourFrom = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const dayFrom = today - 29 * DAY;
  const week = summarize(records, end - 7 * DAY, end);
  const view: Earnings = {
    ...earningsOf(records, baseline),
    today: period(summarize(records, today, end)),
    week: period(week),
    month: period(summarize(records, end - 30 * DAY, end)),
    hourly: bucketsView(records, hourFrom, hourFrom + 24 * HOUR, HOUR),
    daily: bucketsView(records, dayFrom, dayFrom + 30 * DAY, DAY),
  };
  const capacity = capacityTasksPerSecond(opts.tokensPerSecond, records);
  if (capacity !== undefined) {
    // Demand is measured over the part of the week this miner was actually there for.
    const first = Math.min(...records.map((r) => r.states[0]?.at ?? now));
    const recentSeconds = Math.max(HOUR, Math.min(7 * DAY, end - first));
    view.projectedDailyWei = projectDailyReward({
      recent: week,
      recentSeconds,
      capacityTasksPerSecond: capacity,
    }).toString();
  }
  return view;
}
