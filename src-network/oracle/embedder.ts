import type { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";

/**
 * The oracle's only view of the embedding model. The real one is a thin adapter over the worker
 * process (which must have the embedding model loaded); chain tests use a deterministic fake.
 */
export interface Embedder {
  /** One vector per text, same order, all of one length. */
  embed(texts: string[]): Promise<number[][]>;
}

/** Embeddings through the supervised worker process. */
export function workerEmbedder(
  supervisor: Pick<WorkerSupervisor, "call">,
  opts: { timeoutMs?: number } = {},
): Embedder {
  return {
    async embed(texts: string[]): Promise<number[][]> {
      const result = await supervisor.call("embed", { texts }, opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {});
      return result.vectors;
    },
  };
}
