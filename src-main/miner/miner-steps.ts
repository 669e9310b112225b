import { hexlify, randomBytes, toUtf8Bytes } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { commitmentOf, outputHashOf, readSlot, readTask, type TaskView } from "../chain/task-views.js";
import { canFinishInTime } from "../scheduler/admission.js";
import {
  beforeDeadline,
  chainNow,
  nowSeconds,
  preview,
  sendAction,
  updateRecord,
  type EngineContext,
} from "./engine-context.js";
import type { SavedOutput } from "./engine-journal.js";
import { workerSeed } from "./inference.js";
import { withState } from "./records-store.js";
import { settleMinerRecord } from "./settle-record.js";

export type StepResult = "progressed" | "waiting" | "finished";

const MINER_ACTIONS = ["ack", "precommit", "reveal"] as const;
/** The state each miner action completes, as the record shows it. */
const STEP_STATES = ["Start", "Precommit", "Commit"] as const;

function freshRecord(task: TaskView, slot: number): TaskRecord {
  return {
    taskId: task.id.toString(),
    slot,
    kind: task.background ? "background" : "user",
    modelId: task.modelId,
    priority: task.priority,
    states: [],
    reward: "0",
    gasSpent: "0",
  };
}

/**
 * One step of this miner's slot, decided from the chain's current state (never from which events
 * arrived), so duplicate, replayed or missing events cannot make it act twice or wrongly.
 */
export async function stepMinerSlot(ctx: EngineContext, taskId: bigint, slot: number): Promise<StepResult> {
  const id = taskId.toString();
  const task = await readTask(ctx.contracts.tasks, taskId);
  const s = await readSlot(ctx.contracts.tasks, taskId, slot);
  const record = (update: (r: TaskRecord) => TaskRecord) =>
    updateRecord(ctx, taskId, slot, () => freshRecord(task, slot), update);
  const ours = s.miner.toLowerCase() === ctx.address.toLowerCase();
  await backfillStates(ctx, id, record);
  if (task.state === "End" || !ours || s.status === "Dropped") {
    await settleMinerRecord(ctx, task, slot, ours ? s.status : "Dropped", record);
    await ctx.journal.finish(id, "miner");
    return "finished";
  }
  if (s.status === "Assigned") {
    if (task.state !== "Start" || ctx.journal.wasLetGo(id, "ack")) return "waiting";
    // Paused (user active, outside the schedule): hold the slot un-acked; ack if the gate opens in time.
    if (ctx.paused?.() !== undefined)
      return (await beforeDeadline(ctx, task))
        ? "waiting"
        : letGo(ctx, id, "ack", "mining was paused until its deadline");
    const prompt = await ctx.inputs.prompt(taskId, task.background).catch((err: unknown) => {
      if (err instanceof PouwError && err.code === "NOT_FOUND") return undefined;
      throw err;
    });
    // A prompt this miner cannot read (e.g. kept at a URL) cannot be answered: decline it.
    if (prompt === undefined) return decline(ctx, task, slot, "its prompt cannot be fetched");
    const verdict = await admit(ctx, task, prompt);
    if (!verdict.ok) return decline(ctx, task, slot, verdict.reason);
    if (!(await beforeDeadline(ctx, task))) return letGo(ctx, id, "ack");
    const receipt = await sendAction(ctx, taskId, "ack", "ack", [taskId, slot]);
    await record((r) =>
      withState(
        { ...r, promptPreview: preview(prompt) },
        { state: "Start", at: nowSeconds(ctx), txHash: receipt.hash },
      ),
    );
    return "progressed";
  }
  if (s.status === "Acked") {
    // Answer as soon as we hold the slot: other miners' acks only gate the precommit itself.
    const out = ctx.journal.output(id) ?? (await answer(ctx, task, slot, record));
    if (task.state !== "Precommit" || ctx.journal.wasLetGo(id, "precommit")) return "waiting";
    if (!(await beforeDeadline(ctx, task))) return letGo(ctx, id, "precommit");
    const receipt = await sendAction(ctx, taskId, "precommit", "precommit", [taskId, slot, out.commitment]);
    await record((r) => withState(r, { state: "Precommit", at: nowSeconds(ctx), txHash: receipt.hash }));
    return "progressed";
  }
  if (s.status === "Precommitted") {
    if (task.state !== "Commit" || task.revealsClosed || ctx.journal.wasLetGo(id, "reveal")) return "waiting";
    const out = ctx.journal.output(id);
    // Precommitted without a journaled output cannot happen through this engine (the output is
    // fsync'd before the precommit is signed); without it the reveal is impossible, so let go.
    if (!out) return letGo(ctx, id, "reveal", "no journaled output for the precommitment");
    if (!(await beforeDeadline(ctx, task))) return letGo(ctx, id, "reveal");
    const receipt = await sendAction(ctx, taskId, "reveal", "reveal", [
      taskId,
      slot,
      toUtf8Bytes(out.output),
      out.salt,
    ]);
    await record((r) => withState(r, { state: "Commit", at: nowSeconds(ctx), txHash: receipt.hash }));
    return "progressed";
  }
  return "waiting"; // Revealed: the oracles' PoI decides the rest
}

/** States whose transaction the journal saw mined but the record missed (a crash in between). */
async function backfillStates(
  ctx: EngineContext,
  id: string,
  record: (u: (r: TaskRecord) => TaskRecord) => Promise<TaskRecord>,
): Promise<void> {
  const mined: TaskRecord["states"] = [];
  MINER_ACTIONS.forEach((action, i) => {
    const txHash = ctx.journal.confirmedHash(id, action);
    if (txHash) mined.push({ state: STEP_STATES[i]!, at: nowSeconds(ctx), txHash });
  });
  const known = ctx.records.get(id, ctx.journal.assignment(id, "miner")?.slot ?? -1);
  if (mined.length === 0 || mined.every((m) => known?.states.some((s) => s.state === m.state && s.txHash === m.txHash)))
    return;
  await record((r) => mined.reduce(withState, r));
}

/**
 * Turns an assignment down on chain before acking: free (no stake, no reputation), the miner is
 * idle again at once and the task goes on without waiting for this slot's deadline.
 */
async function decline(ctx: EngineContext, task: TaskView, slot: number, reason: string): Promise<StepResult> {
  await ctx.journal.letGo(task.id.toString(), "ack", reason);
  if (await beforeDeadline(ctx, task)) await sendAction(ctx, task.id, "decline", "decline", [task.id, slot]);
  return "waiting";
}

async function letGo(
  ctx: EngineContext,
  id: string,
  action: string,
  reason = "its deadline passed",
): Promise<StepResult> {
  await ctx.journal.letGo(id, action, reason);
  return "waiting";
}

async function admit(
  ctx: EngineContext,
  task: TaskView,
  prompt: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!ctx.speedProfile) return { ok: true };
  const now = await chainNow(ctx);
  const params = await ctx.contracts.tasks.read("params");
  // The precommit window opens when the last miner acks: at the earliest, now.
  const precommitDeadline = now + Number(params.windows[4] ?? 0n);
  const { maxTokens } = await generationParams(ctx, task);
  const verdict = canFinishInTime({
    profile: ctx.speedProfile,
    demand: { maxTokens, promptTokens: Math.ceil(prompt.length / 4) },
    nowSeconds: now,
    precommitDeadline,
    txSeconds: ctx.txSeconds,
  });
  if (verdict.ok) return { ok: true };
  return {
    ok: false,
    reason: `needs about ${Math.ceil(verdict.needSeconds)} s, the precommit window is ${verdict.haveSeconds} s`,
  };
}

async function generationParams(
  ctx: EngineContext,
  task: TaskView,
): Promise<{ seed: number; temperature: number; maxTokens: number }> {
  if (task.background) return { seed: workerSeed(task.id), temperature: 0, maxTokens: ctx.backgroundMaxTokens };
  const req = await ctx.inputs.first("TaskRequested", task.id);
  const spec = req?.spec;
  return {
    seed: workerSeed(spec?.seed ?? task.id),
    temperature: (spec?.temperatureMilli ?? 0) / 1000,
    maxTokens: Math.max(1, spec?.maxTokens ?? ctx.backgroundMaxTokens),
  };
}

/** Runs the task's inference and journals output + fresh salt BEFORE any precommit is signed. */
async function answer(
  ctx: EngineContext,
  task: TaskView,
  slot: number,
  record: (u: (r: TaskRecord) => TaskRecord) => Promise<TaskRecord>,
): Promise<SavedOutput> {
  const prompt = await ctx.inputs.prompt(task.id, task.background);
  const params = await generationParams(ctx, task);
  const result = await ctx.infer(task, "miner", { prompt, ...params });
  const salt = hexlify(randomBytes(32));
  const commitment = commitmentOf(
    { tasks: ctx.contracts.tasks.address, taskId: task.id, slot, miner: ctx.address },
    outputHashOf(result.text),
    salt,
  );
  const saved = await ctx.journal.recordOutput(task.id.toString(), {
    slot,
    output: result.text,
    salt,
    commitment,
    tokens: result.tokens,
    ms: result.ms,
  });
  await record((r) => ({
    ...r,
    promptPreview: preview(prompt),
    outputPreview: preview(saved.output),
    tokens: saved.tokens,
    inferenceMs: saved.ms,
  }));
  return saved;
}
