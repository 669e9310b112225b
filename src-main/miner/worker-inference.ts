import type { WorkerSupervisor } from "../worker-client/supervisor.js";
import type { Inference, InferenceRequest, InferenceResult } from "./inference.js";

/** Inference through the supervised worker process (the model must already be loaded there). */
export function workerInference(
  supervisor: Pick<WorkerSupervisor, "call">,
  opts: { timeoutMs?: number } = {},
): Inference {
  return {
    async generate(req: InferenceRequest, signal?: AbortSignal): Promise<InferenceResult> {
      const result = await supervisor.call(
        "generate",
        { ...req },
        { ...(signal ? { signal } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
      );
      return { text: result.text, tokens: result.tokens, ms: result.timings.totalMs };
    },
  };
}
