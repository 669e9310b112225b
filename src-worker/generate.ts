import type { LlamaCompletion, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { PouwError } from "../src-shared/errors.js";
import type { FinishReason, GenerateParams, GenerateResult } from "../src-shared/worker-contract.js";
import { tokenizePrompt } from "./prompt-tokens.js";
import { generateSeeded } from "./seeded-generate.js";

export interface GenerationTarget {
  model: LlamaModel;
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onText?: (text: string, tokens: number) => void;
}

/**
 * One deterministic completion. The sequence is cleared first so the output depends only on the
 * params (prompt, seed, sampling), never on what ran before — in this process or another one.
 * Used by the worker and, unchanged, by the in-process side of the benchmark.
 */
export async function generateText(
  target: GenerationTarget,
  params: GenerateParams,
  opts: GenerateOptions = {},
): Promise<GenerateResult> {
  if (params.sampler === "seeded") return generateSeeded(target, params, opts);
  const { model, sequence, completion } = target;
  const contextSize = sequence.context.contextSize;
  const promptTokens = tokenizePrompt(model, params.prompt);
  // Leave room for at least one generated token; node-llama-cpp would otherwise silently drop the
  // start of the prompt, and a task answered from half its prompt is a wrong answer.
  if (promptTokens.length >= contextSize) {
    throw new PouwError(
      "CONTEXT_OVERFLOW",
      `prompt is ${promptTokens.length} tokens but the context holds ${contextSize} (including at least one generated token)`,
    );
  }
  const started = performance.now();
  await sequence.clearHistory();
  // Evaluating all but the last prompt token up front separates prompt time from generation time;
  // the completion then finds these tokens already in the context and does not evaluate them again.
  if (promptTokens.length > 1) await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1));
  const promptMs = performance.now() - started;
  throwIfAborted(opts.signal);

  let firstTokenAt: number | undefined;
  const tokenIds: Token[] = [];
  let pendingTokens = 0;
  let response;
  try {
    response = await completion.generateCompletionWithMeta(
      promptTokens.slice(model.tokens.shouldPrependBosToken ? 1 : 0),
      {
        seed: params.seed,
        temperature: params.temperature,
        ...(params.topP !== undefined ? { topP: params.topP } : {}),
        ...(params.topK !== undefined ? { topK: params.topK } : {}),
        maxTokens: params.maxTokens,
        ...(params.stop && params.stop.length > 0 ? { customStopTriggers: params.stop } : {}),
        // A context shift would make output depend on where the shift fell; stop at the end instead.
        disableContextShift: true,
        contextShiftSize: 1,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onToken(t: Token[]) {
          firstTokenAt ??= performance.now();
          tokenIds.push(...t);
          pendingTokens += t.length;
        },
        onTextChunk(text: string) {
          opts.onText?.(text, pendingTokens);
          pendingTokens = 0;
        },
      },
    );
  } catch (err) {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", "generation was cancelled");
    throw err;
  }
  const ended = performance.now();
  const first = firstTokenAt ?? ended;
  const genSeconds = (ended - first) / 1000;
  const tokens = tokenIds.length;
  return {
    text: response.response,
    tokens,
    tokenIds,
    finishReason: finishReasonOf(response.metadata.stopReason),
    timings: {
      promptTokens: promptTokens.length,
      promptMs,
      ttftMs: first - started,
      // Tokens after the first, over the time after the first: the steady generation rate.
      tokensPerSecond: tokens > 1 && genSeconds > 0 ? (tokens - 1) / genSeconds : 0,
      totalMs: ended - started,
    },
  };
}

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === "eogToken") return "eos";
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "abort") return "cancelled";
  return "stop";
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PouwError("CANCELLED", "generation was cancelled");
}
