import type { TaskRecord } from "../../src-shared/task-record.js";
import { outputHashOf, readTask, type TaskView } from "../chain/task-views.js";
import { beforeDeadline, nowSeconds, preview, sendAction, updateRecord, type EngineContext } from "./engine-context.js";
import { workerSeed } from "./inference.js";
import type { StepResult } from "./miner-steps.js";
import { CREATOR_SLOT, withState } from "./records-store.js";
import { creditedTo } from "./settle-record.js";

const SEED_TOKENS = 24;

function freshRecord(task: TaskView): TaskRecord {
  return {
    taskId: task.id.toString(),
    slot: CREATOR_SLOT,
    kind: "background",
    modelId: task.modelId,
    priority: 0,
    states: [],
    reward: "0",
    gasSpent: "0",
  };
}

/** The background task's topic travels in its request's spec (PouwTasks.requestBackground). */
async function topicOf(ctx: EngineContext, taskId: bigint): Promise<string> {
  const req = await ctx.inputs.first("TaskRequested", taskId);
  return req?.spec.promptUri || "a short story";
}

/** The prompt miners will answer, written from the seed: a fixed template so every creator's is alike. */
export function promptFromSeed(topic: string, seed: string): string {
  return `Write a short story about ${topic}. ${seed}`.trim();
}

/** One step of the creator role of a background task: seed (Create), then prompt (Prepare). */
export async function stepCreator(ctx: EngineContext, taskId: bigint): Promise<StepResult> {
  const id = taskId.toString();
  const task = await readTask(ctx.contracts.tasks, taskId);
  const creator = await ctx.contracts.tasks.read("creatorOf", taskId);
  const record = (update: (r: TaskRecord) => TaskRecord) =>
    updateRecord(ctx, taskId, CREATOR_SLOT, () => freshRecord(task), update);
  const ours = creator.toLowerCase() === ctx.address.toLowerCase();
  // After its prompt the creator has nothing to send, but its record follows the task to End so the
  // dashboard does not show it stuck at Prepare (and the settled reward is final by then).
  if (
    ours &&
    ctx.journal.confirmed(id, "prompt") &&
    task.state !== "Create" &&
    task.state !== "Prepare" &&
    task.state !== "End"
  )
    return "waiting";
  if (!ours || (task.state !== "Create" && task.state !== "Prepare")) {
    if (ctx.journal.confirmed(id, "seed") || ctx.journal.confirmed(id, "prompt")) {
      const reward = await creditedTo(ctx, taskId, "creator");
      const gasSpent = ctx.journal.gasSpent(id, ["seed", "prompt"]);
      const settled = {
        outcome: ctx.journal.confirmed(id, "prompt") ? "Completed" : "TimedOut",
        reward: reward.toString(),
        gasSpent: gasSpent.toString(),
      } as const;
      // The dashboard shows a record's last state: an ended task must say End, not the creator's last step.
      await record((r) =>
        task.state === "End"
          ? withState({ ...r, ...settled }, { state: "End", at: nowSeconds(ctx) })
          : { ...r, ...settled },
      );
    }
    await ctx.journal.finish(id, "creator");
    return "finished";
  }
  if (task.state === "Create") {
    if (ctx.journal.wasLetGo(id, "seed")) return "waiting";
    const topic = await topicOf(ctx, taskId);
    const gen = await ctx.infer(task, "creator", {
      prompt: `A story about ${topic}.`,
      seed: workerSeed(taskId),
      temperature: 0,
      maxTokens: SEED_TOKENS,
    });
    const seed = gen.text.trim() || topic;
    if (!(await beforeDeadline(ctx, task))) return letGo(ctx, id, "seed");
    const receipt = await sendAction(ctx, taskId, "seed", "submitSeed", [taskId, outputHashOf(seed), seed]);
    await record((r) => withState(r, { state: "Create", at: nowSeconds(ctx), txHash: receipt.hash }));
    return "progressed";
  }
  if (ctx.journal.wasLetGo(id, "prompt")) return "waiting";
  const seedEvent = await ctx.inputs.first("SeedCreated", taskId);
  const prompt = promptFromSeed(await topicOf(ctx, taskId), seedEvent?.seed ?? "");
  if (!(await beforeDeadline(ctx, task))) return letGo(ctx, id, "prompt");
  const receipt = await sendAction(ctx, taskId, "prompt", "submitPrompt", [taskId, outputHashOf(prompt), prompt]);
  await record((r) =>
    withState(
      { ...r, promptPreview: preview(prompt) },
      { state: "Prepare", at: nowSeconds(ctx), txHash: receipt.hash },
    ),
  );
  return "progressed";
}

async function letGo(ctx: EngineContext, id: string, action: string): Promise<StepResult> {
  await ctx.journal.letGo(id, action, "its deadline passed");
  return "waiting";
}
