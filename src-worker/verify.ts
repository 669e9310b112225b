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
export async function verifyTokens(
  target: GenerationTarget,
  params: VerifyParams,
  opts: { signal?: AbortSignal } = {},
): Promise<VerifyResult> {
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
  // Input i feeds token `feed[i]` and reads the distribution that scores `targets[i]`: claimed[i], or the end.
  const feed = [
    promptTokens[promptTokens.length - 1] as Token,
    ...(params.scoreEnd ? claimed : claimed.slice(0, -1)),
  ] as Token[];
  const targets = [...claimed, ...(endToken !== undefined ? [endToken] : [])] as Token[];
  const scores: Array<TokenScore | undefined> = Array.from({ length: feed.length }, () => undefined);

  // Pass 1 reads only the first choice and its probability (no whole-vocabulary list crosses into
  // JavaScript): where that is the claimed token the score is complete. Seeded draws and
  // `scoreEvery` need every distribution, so they read them all here.
  const readAll = params.scoreEvery === true || params.sampling !== undefined;
  await evaluatePass(
    target,
    promptTokens,
    feed,
    params.batch ?? BATCH,
    opts.signal,
    () => (readAll ? "full" : "first"),
    (i, out) => {
      const want = targets[i] as Token;
      if (readAll) scores[i] = scoreOf(out, want, i < claimed.length ? params.sampling : undefined, i);
      else if (out?.next.token === want && out.next.confidence !== undefined) {
        const lp = logOf(out.next.confidence);
        scores[i] = { logProb: lp, rank: 0, topLogProb: lp };
      }
    },
  );
  // Pass 2, only where the claimed token was not the first choice: the whole distribution, for rank and gap.
  const missing = new Set(scores.flatMap((sc, i) => (sc === undefined ? [i] : [])));
  if (missing.size > 0) {
    await evaluatePass(
      target,
      promptTokens,
      feed,
      params.batch ?? BATCH,
      opts.signal,
      (i) => (missing.has(i) ? "full" : "none"),
      (i, out) => {
        scores[i] = scoreOf(out, targets[i] as Token, undefined, i);
      },
    );
  }
  const all = scores.map((sc) => {
    if (!sc) throw new PouwError("INTERNAL", "a position was left unscored");
    return sc;
  });
  return {
    positions: all.slice(0, claimed.length),
    ...(endToken !== undefined ? { end: all[claimed.length] as TokenScore } : {}),
    text: model.detokenize(claimed as Token[]),
    promptTokens: promptTokens.length,
    evalMs: performance.now() - started,
  };
}

type Read = "none" | "first" | "full";

/** Clears the sequence, evaluates the prompt, then feeds `feed` in batches, reading what `read(i)` asks at each input. */
async function evaluatePass(
  target: GenerationTarget,
  promptTokens: Token[],
  feed: Token[],
  batch: number,
  signal: AbortSignal | undefined,
  read: (i: number) => Read,
  onOutput: (i: number, out: ControlledEvaluateIndexOutput | undefined) => void,
): Promise<void> {
  const { sequence } = target;
  await sequence.clearHistory();
  if (promptTokens.length > 1) await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1));
  for (let from = 0; from < feed.length; from += batch) {
    if (signal?.aborted) throw new PouwError("CANCELLED", "verification was cancelled");
    const slice = feed.slice(from, from + batch);
    const input: ControlledEvaluateInputItem[] = slice.map((t, j) => {
      const r = read(from + j);
      if (r === "none") return t;
      return [t, { generateNext: r === "full" ? { probabilities: true } : { token: true, confidence: true } }];
    });
    const out = await sequence.controlledEvaluate(input);
    for (let j = 0; j < slice.length; j++) if (read(from + j) !== "none") onOutput(from + j, out[j]);
  }
}

/**
 * Rank and log-prob of `token` in one position's distribution. node-llama-cpp sorts the Map
 * likeliest first, so the rank is the count of entries before the first one no likelier than the
 * claimed token: ties share the better rank.
 */
function scoreOf(
  output: ControlledEvaluateIndexOutput | undefined,
  token: Token,
  sampling: VerifyParams["sampling"],
  at: number,
): TokenScore {
  const probabilities = output?.next.probabilities;
  if (!probabilities || probabilities.size === 0)
    throw new PouwError("INTERNAL", "the model returned no probabilities for a position");
  const claimed = probabilities.get(token) ?? 0;
  let top: number | undefined;
  let rank = 0;
  for (const p of probabilities.values()) {
    top ??= p;
    if (p <= claimed) break;
    rank++;
  }
  const score: TokenScore = { logProb: logOf(claimed), rank, topLogProb: logOf(top ?? 0) };
  if (sampling) {
    const draw = drawOf(probabilities, uniformAt(sampling.seed, at), sampling, token);
    score.sampled = draw.token === token;
    score.drawMargin = draw.margin;
  }
  return score;
}

function logOf(p: number): number {
  return p > 0 ? Math.max(MIN_LOG_PROB, Math.log(p)) : MIN_LOG_PROB;
}

function checkVocabulary(model: LlamaModel, tokens: readonly number[]): void {
  const size = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
  if (typeof size !== "number") return;
  const bad = tokens.findIndex((t) => t >= size);
  if (bad >= 0)
    throw new PouwError(
      "INVALID_PARAMS",
      `token id ${tokens[bad]} at position ${bad} is outside the model's vocabulary of ${size}`,
    );
}

function endOfGeneration(model: LlamaModel): Token {
  const eos = model.tokens.eos ?? model.tokens.eot;
  if (eos == null) throw new PouwError("INVALID_PARAMS", "the model has no end-of-generation token to score");
  return eos;
}
