import type { ControlledEvaluateIndexOutput, ControlledEvaluateInputItem, LlamaModel, Token } from "node-llama-cpp";
import { PouwError } from "../src-shared/errors.js";
import { drawOf, uniformAt } from "../src-shared/seeded-sampling.js";
import type { TokenScore, VerifyParams, VerifyResult } from "../src-shared/worker-contract.js";
import type { GenerationTarget } from "./generate.js";
import { tokenizePrompt } from "./prompt-tokens.js";

/** Positions per controlledEvaluate call by default: each holds a whole-vocabulary Map until it is scored. */
const BATCH = 32;
/** float32 probabilities underflow to 0 below ~1e-45; a log-prob never goes below this. */
export const MIN_LOG_PROB = -104;

/**
 * Teacher forcing: prompt + claimed tokens are evaluated in batches (no sampling loop), and at each
 * position the model's next-token distribution scores the token that was claimed there. The
 * sequence is cleared first, so the scores depend only on the params and the model.
 */
export async function verifyTokens(target: GenerationTarget, params: VerifyParams, opts: { signal?: AbortSignal } = {}): Promise<VerifyResult> {
  const { model, sequence } = target;
  const claimed = params.tokenIds;
  checkVocabulary(model, claimed);
  const promptTokens = tokenizePrompt(model, params.prompt);
  // Scoring the end needs the last claimed token evaluated too.
  const evaluated = promptTokens.length + claimed.length - (params.scoreEnd ? 0 : 1);
  const contextSize = sequence.context.contextSize;
  if (evaluated > contextSize) {
    throw new PouwError(
      "CONTEXT_OVERFLOW",
      `prompt (${promptTokens.length} tokens) and claimed output (${claimed.length} tokens) need ${evaluated} positions but the context holds ${contextSize}`,
    );
  }
  const endToken = params.scoreEnd ? endOfGeneration(model) : undefined;
  const started = performance.now();
  await sequence.clearHistory();
  if (promptTokens.length > 1) await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1));

  // Input i feeds token `feed[i]` and reads the distribution that scores `claimed[i]` (or the end).
  const feed = [promptTokens[promptTokens.length - 1] as Token, ...(params.scoreEnd ? claimed : claimed.slice(0, -1))] as Token[];
  const positions: TokenScore[] = [];
  let end: TokenScore | undefined;
  const batch = params.batch ?? BATCH;
  for (let from = 0; from < feed.length; from += batch) {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", "verification was cancelled");
    const slice = feed.slice(from, from + batch);
    const input: ControlledEvaluateInputItem[] = slice.map((t) => [t, { generateNext: { probabilities: true } }]);
    const out = await sequence.controlledEvaluate(input);
    for (let i = 0; i < slice.length; i++) {
      const at = from + i;
      const target = at < claimed.length ? claimed[at] : endToken;
      const score = scoreOf(out[i], target as Token);
      if (at < claimed.length && params.sampling) {
        const probabilities = out[i]?.next.probabilities ?? new Map<Token, number>();
        const draw = drawOf(probabilities, uniformAt(params.sampling.seed, at), params.sampling, target);
        score.sampled = draw.token === target;
        score.drawMargin = draw.margin;
      }
      if (at < claimed.length) positions.push(score);
      else end = score;
    }
  }
  return {
    positions,
    ...(end ? { end } : {}),
    text: model.detokenize(claimed as Token[]),
    promptTokens: promptTokens.length,
    evalMs: performance.now() - started,
  };
}

/**
 * Rank and log-prob of `token` in one position's distribution. node-llama-cpp sorts the Map
 * likeliest first, so the rank is the count of entries before the first one no likelier than the
 * claimed token: ties share the better rank.
 */
function scoreOf(output: ControlledEvaluateIndexOutput | undefined, token: Token): TokenScore {
  const probabilities = output?.next.probabilities;
  if (!probabilities || probabilities.size === 0) throw new PouwError("INTERNAL", "the model returned no probabilities for a position");
  const claimed = probabilities.get(token) ?? 0;
  let top: number | undefined;
  let rank = 0;
  for (const p of probabilities.values()) {
    top ??= p;
    if (p <= claimed) break;
    rank++;
  }
  return { logProb: logOf(claimed), rank, topLogProb: logOf(top ?? 0) };
}

function logOf(p: number): number {
  return p > 0 ? Math.max(MIN_LOG_PROB, Math.log(p)) : MIN_LOG_PROB;
}

function checkVocabulary(model: LlamaModel, tokens: readonly number[]): void {
  const size = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
  if (typeof size !== "number") return;
  const bad = tokens.findIndex((t) => t >= size);
  if (bad >= 0) throw new PouwError("INVALID_PARAMS", `token id ${tokens[bad]} at position ${bad} is outside the model's vocabulary of ${size}`);
}

function endOfGeneration(model: LlamaModel): Token {
  const eos = model.tokens.eos ?? model.tokens.eot;
  if (eos == null) throw new PouwError("INVALID_PARAMS", "the model has no end-of-generation token to score");
  return eos;
}
