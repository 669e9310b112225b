import { z } from "zod";
import { TaskState } from "./pouw-states.js";

/**
 * The router's HTTP boundary: the subset of OpenAI's API it serves (request bodies are parsed with
 * these schemas; unknown fields are ignored, as OpenAI clients send many), plus the `pouw` receipt
 * every answer carries and the OpenAI-style error body.
 */

const TextPart = z.object({ type: z.literal("text"), text: z.string() });

export const ChatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z
    .union([z.string(), z.array(TextPart)])
    .nullable()
    .optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const Sampling = {
  model: z.string().min(1),
  max_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  seed: z.number().int().nonnegative().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  n: z.literal(1).nullable().optional(),
};

export const ChatCompletionRequest = z.object({
  ...Sampling,
  messages: z.array(ChatMessage).min(1),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export const CompletionRequest = z.object({
  ...Sampling,
  prompt: z.union([z.string(), z.array(z.string()).length(1)]),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

/** One state the task passed, with the transaction that moved it there. */
export const PouwStateStep = z.object({
  state: TaskState,
  txHash: z.string(),
  block: z.number().int().nonnegative(),
  /** Milliseconds from the router receiving the request to seeing this state on chain. */
  ms: z.number().nonnegative(),
});
export type PouwStateStep = z.infer<typeof PouwStateStep>;

/** The on-chain receipt of an answer: the `pouw` field of every response body. */
export const PouwReceipt = z.object({
  taskId: z.string(),
  k: z.number().int().positive(),
  states: z.array(PouwStateStep),
  /** The slot whose revealed output is the answer (highest PoI score, i.e. the medoid). */
  consensusSlot: z.number().int().nonnegative(),
  scoresBps: z.array(z.number().int().min(0).max(10_000)),
  /** The PoI result transaction. */
  poiTxHash: z.string(),
});
export type PouwReceipt = z.infer<typeof PouwReceipt>;

export const POUW_TASK_ID_HEADER = "x-pouw-task-id";

export const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAiErrorBody = z.infer<typeof OpenAiErrorBody>;
