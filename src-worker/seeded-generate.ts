import type { Token } from "node-llama-cpp";
import { PouwError } from "../src-shared/errors.js";
import { sampleFrom, uniformAt } from "../src-shared/seeded-sampling.js";
import type { FinishReason, GenerateParams, GenerateResult } from "../src-shared/worker-contract.js";
import type { GenerateOptions, GenerationTarget } from "./generate.js";
import { tokenizePrompt } from "./prompt-tokens.js";

/**
 * Generation with the "seeded" sampler: one token per evaluation, drawn in JavaScript from the
 * model's probabilities at a draw fixed by (seed, position), so a verifier with the same model can
 * redo every draw. Slower than llama.cpp's sampler (the whole vocabulary crosses into JavaScript
 * each token); meant for tasks that will be verified.
 */
export async function generateSeeded(
  target: GenerationTarget,
  params: GenerateParams,
  opts: GenerateOptions = {},
): Promise<GenerateResult> {
  const { model, sequence } = target;
  if (params.stop && params.stop.length > 0)
    throw new PouwError("INVALID_PARAMS", "stop texts are not supported with the seeded sampler");
  const contextSize = sequence.context.contextSize;
  const promptTokens = tokenizePrompt(model, params.prompt);
  if (promptTokens.length >= contextSize) {
    throw new PouwError(
      "CONTEXT_OVERFLOW",
      `prompt is ${promptTokens.length} tokens but the context holds ${contextSize} (including at least one generated token)`,
    );
  }
  const started = performance.now();
  await sequence.clearHistory();
  if (promptTokens.length > 1) await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1));
  const promptMs = performance.now() - started;

  const tokenIds: Token[] = [];
  let next = promptTokens[promptTokens.length - 1] as Token;
  let finish: FinishReason = "length";
  let firstTokenAt: number | undefined;
  while (tokenIds.length < params.maxTokens && sequence.nextTokenIndex < contextSize) {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", "generation was cancelled");
    const [out] = await sequence.controlledEvaluate([[next, { generateNext: { probabilities: true } }]]);
    const probabilities = out?.next.probabilities;
    if (!probabilities) throw new PouwError("INTERNAL", "the model returned no probabilities");
    const token = sampleFrom(probabilities, uniformAt(params.seed, tokenIds.length), params) as Token;
    firstTokenAt ??= performance.now();
    if (model.isEogToken(token)) {
      finish = "eos";
      break;
    }
    opts.onText?.(model.detokenize([token], false, tokenIds.slice(-8)), 1);
    tokenIds.push(token);
    next = token;
  }
  const ended = performance.now();
  const first = firstTokenAt ?? ended;
  const genSeconds = (ended - first) / 1000;
  return {
    text: model.detokenize(tokenIds),
    tokens: tokenIds.length,
    tokenIds,
    finishReason: finish,
    timings: {
      promptTokens: promptTokens.length,
      promptMs,
      ttftMs: first - started,
      tokensPerSecond: tokenIds.length > 1 && genSeconds > 0 ? (tokenIds.length - 1) / genSeconds : 0,
      totalMs: ended - started,
    },
  };
}
