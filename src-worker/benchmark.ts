import type { Progress } from "../src-shared/progress.js";
import type { BenchmarkParams, BenchmarkResult } from "../src-shared/worker-contract.js";
import { generateText } from "./generate.js";
import type { LoadedModel } from "./model-host.js";

export const BENCHMARK_PROMPT = "Once upon a time, in a small village by the sea, there lived";

/**
 * Measures the loaded model as the miner will use it (same generation path as tasks): one warm-up,
 * then `rounds` runs; the median of each figure is kept so one slow round does not decide.
 */
export async function benchmarkModel(
  loaded: LoadedModel,
  params: BenchmarkParams,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<BenchmarkResult> {
  const rounds = params.rounds ?? 3;
  const gen = {
    prompt: params.prompt ?? BENCHMARK_PROMPT,
    seed: 1,
    temperature: 0,
    maxTokens: params.maxTokens ?? 128,
  };
  const signalOpt = opts.signal ? { signal: opts.signal } : {};
  opts.onProgress?.({ stage: "warmup" });
  await generateText(loaded, { ...gen, maxTokens: 8 }, signalOpt);
  const runs = [];
  for (let i = 0; i < rounds; i++) {
    const r = await generateText(loaded, gen, signalOpt);
    runs.push(r.timings);
    opts.onProgress?.({
      stage: "measure",
      fraction: (i + 1) / rounds,
      speed: r.timings.tokensPerSecond,
      unit: "tokens",
    });
  }
  return {
    tokensPerSecond: median(runs.map((t) => t.tokensPerSecond)),
    ttftMs: median(runs.map((t) => t.ttftMs)),
    promptMs: median(runs.map((t) => t.promptMs)),
    rounds,
    threads: loaded.info.threads,
    gpuLayers: loaded.info.gpuLayers,
    contextSize: loaded.info.contextSize,
    modelPath: loaded.info.path,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
