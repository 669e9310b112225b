import type { SlotOutcome, SlotStatus } from "../../src-shared/pouw-states.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { TaskView } from "../chain/task-views.js";
import { nowSeconds, type EngineContext } from "./engine-context.js";
import { withState } from "./records-store.js";

type RecordUpdate = (update: (r: TaskRecord) => TaskRecord) => Promise<TaskRecord>;

/** Our credits of one kind on one task, summed from the chain's Credited events. */
export async function creditedTo(ctx: EngineContext, taskId: bigint, kind: "miner" | "creator"): Promise<bigint> {
  const credits = await ctx.inputs.all("Credited", taskId);
  return credits
    .filter((c) => c.kind === kind && c.account.toLowerCase() === ctx.address.toLowerCase())
    .reduce((sum, c) => sum + c.amount, 0n);
}

/** Our slot's score in the final PoI result, if the task settled. */
async function finalScore(ctx: EngineContext, taskId: bigint, slot: number): Promise<number | undefined> {
  const finalized = await ctx.inputs.first("PoiFinalized", taskId);
  if (!finalized) return undefined;
  const votes = await ctx.inputs.all("PoiSubmitted", taskId);
  return votes.find((v) => v.resultHash === finalized.resultHash)?.scoresBps[slot];
}

/** As the contract judges it: abandoning acked work Failed; an assignment never acked TimedOut. */
function outcomeOf(
  task: TaskView,
  status: SlotStatus,
  score: number | undefined,
  threshold: number,
  acked: boolean,
): SlotOutcome {
  if (status === "Dropped") return acked ? "Failed" : "TimedOut";
  if (task.outcome === "Settled" && status === "Revealed") return (score ?? 0) >= threshold ? "Completed" : "Outlier";
  return "Released";
}

/**
 * Writes the final record of a slot from chain facts only (state, credits, PoI votes) and the gas
 * of the journaled receipts, so it comes out the same however often it runs.
 */
export async function settleMinerRecord(
  ctx: EngineContext,
  task: TaskView,
  slot: number,
  status: SlotStatus,
  record: RecordUpdate,
): Promise<void> {
  const id = task.id.toString();
  const acted = ctx.journal.confirmed(id, "ack") || ctx.journal.output(id) !== undefined;
  // A declined assignment we never acted on leaves no history entry.
  if (!acted && !ctx.records.get(id, slot)) return;
  const reward = await creditedTo(ctx, task.id, "miner");
  const score = await finalScore(ctx, task.id, slot);
  const params = await ctx.contracts.tasks.read("params");
  const outcome = outcomeOf(
    task,
    status,
    score,
    Number(params.similarityThresholdBps),
    ctx.journal.confirmed(id, "ack"),
  );
  const gasSpent = ctx.journal.gasSpent(id, ["ack", "precommit", "reveal"]);
  await record((r) => ({
    ...withState(r, { state: "End", at: nowSeconds(ctx) }),
    outcome,
    reward: reward.toString(),
    gasSpent: gasSpent.toString(),
    ...(score !== undefined ? { poiScoreBps: score } : {}),
  }));
}
