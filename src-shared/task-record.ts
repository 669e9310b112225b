import { z } from "zod";
import { SlotOutcome, TaskState } from "./pouw-states.js";

/** Amounts in wei as decimal strings: exact, and JSON-safe across every process boundary. */
export const Wei = z.string().regex(/^\d+$/, "an amount in wei, as a decimal string");

/**
 * The miner's durable record of one task it served: what the history table and the earnings
 * chart show. One record per (task, slot); states are appended as the chain confirms them.
 */
export const TaskRecord = z.object({
  taskId: z.string(),
  slot: z.number().int().nonnegative(),
  kind: z.enum(["user", "background"]),
  modelId: z.string(),
  priority: z.number().int().nonnegative(),
  states: z.array(z.object({ state: TaskState, at: z.number().int(), txHash: z.string().optional() })),
  outcome: SlotOutcome.optional(),
  promptPreview: z.string().optional(),
  outputPreview: z.string().optional(),
  tokens: z.number().int().nonnegative().optional(),
  inferenceMs: z.number().nonnegative().optional(),
  poiScoreBps: z.number().int().min(0).max(10_000).optional(),
  /** Network-token reward credited to this miner. */
  reward: Wei.default("0"),
  /** Native currency spent on this task's transactions. */
  gasSpent: Wei.default("0"),
});
export type TaskRecord = z.infer<typeof TaskRecord>;
