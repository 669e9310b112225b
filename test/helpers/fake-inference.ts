import { createHash } from "node:crypto";
import { PouwError } from "../../src-shared/errors.js";
import type { Inference, InferenceRequest, InferenceResult } from "../../src-main/miner/inference.js";

const WORDS = [
  "Lily",
  "saw",
  "a",
  "big",
  "red",
  "ball",
  "in",
  "the",
  "park",
  "and",
  "she",
  "was",
  "happy",
  "Tim",
  "found",
  "shiny",
  "stone",
];

/**
 * A deterministic stand-in for the model: the same request always gives the same text, so several
 * fake miners agree the way real greedy decoding does. `calls` counts generations (tests check that
 * a restart does not generate again when the journal already holds the output).
 */
export class FakeInference implements Inference {
  calls = 0;
  constructor(private readonly opts: { delayMs?: number; fail?: boolean } = {}) {}

  async generate(req: InferenceRequest, signal?: AbortSignal): Promise<InferenceResult> {
    this.calls++;
    if (this.opts.fail) throw new PouwError("WORKER_UNAVAILABLE", "fake inference told to fail");
    if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    if (signal?.aborted) throw new PouwError("CANCELLED", "generate was cancelled");
    const digest = createHash("sha256")
      .update(JSON.stringify([req.prompt, req.seed, req.temperature, req.maxTokens]))
      .digest();
    const count = Math.min(req.maxTokens, 12);
    const words = Array.from({ length: count }, (_, i) => WORDS[(digest[i % digest.length] ?? 0) % WORDS.length]);
    return { text: `${words.join(" ")}.`, tokens: count, ms: this.opts.delayMs ?? 1 };
  }
}
