/** What the task engine asks of a model: one deterministic generation with the task's parameters. */
export interface InferenceRequest {
  prompt: string;
  seed: number;
  /** 0 = greedy. */
  temperature: number;
  topP?: number;
  topK?: number;
  maxTokens: number;
  stop?: string[];
}

export interface InferenceResult {
  text: string;
  tokens: number;
  ms: number;
}

/**
 * The engine's only view of the model. The real one is a thin adapter over the worker process
 * (worker-inference.ts); chain tests use a deterministic fake so they never spawn a worker.
 */
export interface Inference {
  generate(req: InferenceRequest, signal?: AbortSignal): Promise<InferenceResult>;
}

/** Task seeds are uint64 on chain; the worker takes 32-bit seeds, so the low 32 bits are used. */
export function workerSeed(seed: bigint): number {
  return Number(seed & 0xffff_ffffn);
}
