import { z } from "zod";

/** One settled background task as the dataset keeps it: what was asked, what the network agreed on, and by whom. */
export const DatasetRecord = z.object({
  taskId: z.string().regex(/^\d+$/),
  /** Block of the task's settlement (the PoI submission that ended it). */
  block: z.number().int().nonnegative(),
  modelId: z.string(),
  /** The on-chain topic string, and the catalogue topic it names when the catalogue has it. */
  topic: z.string(),
  topicId: z.string().optional(),
  seed: z.string(),
  prompt: z.string(),
  /** The medoid of the accepted outputs: the answer the k miners agreed on. */
  answer: z.string(),
  /** Per miner: address and PoI score in basis points (0 = outlier). */
  miners: z.array(z.object({ address: z.string(), scoreBps: z.number().int().min(0).max(10_000) })),
  creator: z.string().optional(),
});
export type DatasetRecord = z.infer<typeof DatasetRecord>;
