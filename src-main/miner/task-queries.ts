import type { TaskDetail, TaskFilter, TaskPage, TaskSummary } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { modelIdOf } from "../chain/task-views.js";

/** The filter after the contract's schema applied its defaults. */
export type ParsedTaskFilter = Required<Pick<TaskFilter, "offset" | "limit">> & Omit<TaskFilter, "offset" | "limit">;

const idOf = (r: Pick<TaskRecord, "taskId" | "slot">) => `${r.taskId}#${r.slot}`;

/**
 * One record as the live list and the history table show it. Records keep unix seconds; the view
 * is in milliseconds, what `new Date()` in the dashboard takes.
 */
export function summaryOf(r: TaskRecord, deadlineAt?: number): TaskSummary {
  const last = r.states.at(-1);
  const ended = last?.state === "End";
  return {
    id: idOf(r),
    stage: last?.state ?? "Request",
    modelId: r.modelId,
    updatedAt: (last?.at ?? 0) * 1000,
    kind: r.kind,
    states: r.states.map((s) => ({ state: s.state, at: s.at * 1000, ...(s.txHash ? { txHash: s.txHash } : {}) })),
    ...(deadlineAt !== undefined && !ended ? { deadlineAt } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    rewardWei: r.reward,
    ...(r.tokens !== undefined ? { tokens: r.tokens } : {}),
  };
}

export function detailOf(r: TaskRecord, deadlineAt?: number): TaskDetail {
  return {
    ...summaryOf(r, deadlineAt),
    priority: r.priority,
    ...(r.promptPreview !== undefined ? { promptPreview: r.promptPreview } : {}),
    ...(r.outputPreview !== undefined ? { outputPreview: r.outputPreview } : {}),
    ...(r.inferenceMs !== undefined ? { inferenceMs: r.inferenceMs } : {}),
    ...(r.poiScoreBps !== undefined ? { poiScoreBps: r.poiScoreBps } : {}),
    gasSpentWei: r.gasSpent,
  };
}

/** Newest first; ties broken by id so pages never shuffle between calls. */
export function newestFirst<T extends { id: string; updatedAt: number }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

export function queryTasks(records: readonly TaskRecord[], filter: ParsedTaskFilter): TaskPage {
  const matching = records.filter(
    (r) =>
      (filter.kind === undefined || r.kind === filter.kind) &&
      (filter.outcome === undefined || r.outcome === filter.outcome) &&
      (filter.active === undefined || (r.states.at(-1)?.state !== "End") === filter.active),
  );
  const rows = newestFirst(matching.map((r) => summaryOf(r)));
  return { total: rows.length, rows: rows.slice(filter.offset, filter.offset + filter.limit) };
}

export function findTask(records: readonly TaskRecord[], id: string, deadlineAt?: number): TaskDetail {
  const record = records.find((r) => idOf(r) === id);
  if (!record) throw new PouwError("NOT_FOUND", `no task ${id} in this miner's history`);
  return detailOf(record, deadlineAt);
}

/** What the live list shows: every task still in flight plus the most recent finished ones. */
export function liveTasks(
  records: readonly TaskRecord[],
  deadlines: ReadonlyMap<string, number> = new Map(),
  recentEnded = 20,
): TaskSummary[] {
  const rows = newestFirst(records.map((r) => summaryOf(r, deadlines.get(r.taskId))));
  const active = rows.filter((t) => t.stage !== "End");
  const ended = rows.filter((t) => t.stage === "End").slice(0, recentEnded);
  return newestFirst([...active, ...ended]);
}

/** On-chain model id (lower-case hex) → the name to show. */
export type ModelNames = ReadonlyMap<string, string>;

/**
 * Records keep the on-chain model id, keccak256 of the model's on-chain name: the names this app
 * knows (`onChain`, shown as `label` when there is a friendlier one), keyed by that id.
 */
export function modelNamesById(models: readonly { onChain: string; label?: string }[]): Map<string, string> {
  return new Map(models.map((m) => [modelIdOf(m.onChain).toLowerCase(), m.label ?? m.onChain]));
}

/** The view with its model's name where the id is one this app knows; unknown ids stay as they are. */
export function withModelName<T extends TaskSummary>(view: T, names: ModelNames): T {
  const name = view.modelId === undefined ? undefined : names.get(view.modelId.toLowerCase());
  return name === undefined ? view : { ...view, modelName: name };
}
