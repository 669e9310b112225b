import { z } from "zod";

/**
 * Progress of long work (downloads, model loads, benchmarks) — DEVELOPERS.md §2. One shape for every
 * kind so the CLI, the worker contract and the dashboard render it the same way. Fields that do not
 * apply to a stage are omitted, never faked.
 */
export const Progress = z.object({
  /** What is happening now, e.g. "download", "verify", "load", "warmup", "measure". */
  stage: z.string(),
  /** 0..1 when known. */
  fraction: z.number().min(0).max(1).optional(),
  bytes: z.number().nonnegative().optional(),
  totalBytes: z.number().nonnegative().optional(),
  /** Bytes per second (downloads) or tokens per second (inference), per `unit`. */
  speed: z.number().nonnegative().optional(),
  unit: z.enum(["bytes", "tokens", "steps"]).optional(),
  etaSeconds: z.number().nonnegative().optional(),
  message: z.string().optional(),
});
export type Progress = z.infer<typeof Progress>;
