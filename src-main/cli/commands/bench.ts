import { ensureTinyLlamaModel } from "../../../src-shared/node/gguf/tiny-llama.js";
import type { StoredBenchmark } from "../../../src-shared/worker-contract.js";
import { appDataDir } from "../../paths.js";
import { saveBenchmark } from "../../worker-client/benchmark-store.js";
import {
  loadModelWithProgress,
  loadParamsFromArgs,
  modelOptionHelp,
  modelOptions,
  resolveModelArg,
} from "../../worker-client/model-arg.js";
import { withWorker } from "../../worker-client/with-worker.js";
import path from "node:path";
import { numberOpt, UsageError, type CommandSpec } from "../command.js";
import { endProgress, progressBar, writeProgress, writeResult } from "../output.js";

export const benchCommand: CommandSpec = {
  name: "bench",
  summary: "measure tokens/s, first-token time and thread choice",
  usage: "worker [--model <file|id>] [--rounds N] [--max-tokens N] [--json]",
  details: [
    "Measures the model as the miner runs it, in the worker, and stores the result; the miner uses it",
    "to accept only tasks it can finish before their deadline. Without --model it measures a tiny",
    "built-in model, which checks the pipeline but says little about your GPU.",
  ].join("\n"),
  options: { ...modelOptions, rounds: { type: "string" }, "max-tokens": { type: "string" } },
  optionHelp: {
    ...modelOptionHelp,
    rounds: "measured runs, median kept (default 3)",
    "max-tokens": "tokens per run (default 128)",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const [target, ...extra] = args.positionals;
    if (target !== "worker" || extra.length > 0) throw new UsageError('bench takes one target: "worker"');
    const rounds = numberOpt(args, "rounds", { min: 1, max: 20, integer: true });
    const maxTokens = numberOpt(args, "max-tokens", { min: 1, max: 4096, integer: true });
    const load = await loadParamsFromArgs(args, resolveModelArg, async () => {
      return (await ensureTinyLlamaModel(path.join(appDataDir(), "builtin-models"))).model.path;
    });
    const stored = await withWorker(async (worker) => {
      await loadModelWithProgress(worker, load, ctx);
      const result = await worker.call(
        "benchmark",
        { ...(rounds !== undefined ? { rounds } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) },
        {
          signal: ctx.signal,
          onEvent: (p) => writeProgress(ctx, { ...p }, () => `benchmark ${p.stage} ${progressBar(p.fraction ?? 0)}`),
        },
      );
      endProgress(ctx);
      return saveBenchmark(result, load.sha256 ? { modelSha256: load.sha256 } : {});
    });
    writeResult(ctx, stored, describeBenchmark);
  },
};

function describeBenchmark(b: StoredBenchmark): string {
  return [
    `model:           ${b.modelPath}`,
    `tokens/s:        ${b.tokensPerSecond.toFixed(1)}`,
    `first token:     ${b.ttftMs.toFixed(1)} ms (prompt ${b.promptMs.toFixed(1)} ms)`,
    `threads:         ${b.threads}, GPU layers ${b.gpuLayers}, context ${b.contextSize}`,
    `rounds:          ${b.rounds} (median)`,
    "stored for task admission.",
  ].join("\n");
}
