import type { GenerateParams, GenerateResult, ModelInfo } from "../../../src-shared/worker-contract.js";
import {
  loadModelWithProgress,
  loadParamsFromArgs,
  modelOptionHelp,
  modelOptions,
  resolveModelArg,
} from "../../worker-client/model-arg.js";
import { withWorker } from "../../worker-client/with-worker.js";
import { numberOpt, stringOpt, type CommandSpec, type ParsedCommandArgs } from "../command.js";
import { writeResult } from "../output.js";

interface InferOutput extends GenerateResult {
  model: ModelInfo;
}

export const inferCommand: CommandSpec = {
  name: "infer",
  summary: "generate text with a model, deterministically",
  usage: "--model <file|id> --prompt <text> [--seed N --temperature T --max-tokens N] [--json]",
  details: "The same model, prompt, seed and settings give the same text, on any run and in any process.",
  options: {
    ...modelOptions,
    prompt: { type: "string", short: "p" },
    seed: { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "top-k": { type: "string" },
    "max-tokens": { type: "string" },
    stop: { type: "string", multiple: true },
  },
  optionHelp: {
    ...modelOptionHelp,
    prompt: "the text to continue",
    seed: "sampling seed, 0..4294967295 (default 0)",
    temperature: "0 = always the most likely token (default 0)",
    "top-p": "nucleus sampling, 0 < p ≤ 1",
    "top-k": "sample from the k most likely tokens",
    "max-tokens": "most tokens to generate (default 128)",
    stop: "stop when this text is generated (repeatable)",
  },
  async run(args, ctx) {
    const generate = generateParams(args);
    const load = await loadParamsFromArgs(args, resolveModelArg);
    const out = await withWorker(async (worker) => {
      const loaded = await loadModelWithProgress(worker, load, ctx);
      let streamed = false;
      const result = await worker.call("generate", generate, {
        signal: ctx.signal,
        // People see text as it is written; --json waits for the one result line.
        onEvent: (chunk) => {
          if (ctx.json) return;
          ctx.stdout.write(chunk.text);
          streamed = true;
        },
      });
      if (streamed && !ctx.json) ctx.stdout.write("\n");
      return { ...result, timings: { ...result.timings, loadMs: loaded.loadMs }, model: loaded.model, streamed };
    });
    const { streamed, ...result } = out;
    if (ctx.json) writeResult<InferOutput>(ctx, result, () => "");
    else {
      if (!streamed) ctx.stdout.write(`${result.text}\n`);
      const t = result.timings;
      ctx.stderr.write(
        `${result.tokens} tokens (${result.finishReason}), ${t.tokensPerSecond.toFixed(1)} tokens/s, first token ${t.ttftMs.toFixed(0)} ms, prompt ${t.promptMs.toFixed(0)} ms\n`,
      );
    }
  },
};

function generateParams(args: ParsedCommandArgs): GenerateParams {
  const topP = numberOpt(args, "top-p", { min: 0, max: 1 });
  const topK = numberOpt(args, "top-k", { min: 0, integer: true });
  const stop = args.values.stop;
  return {
    prompt: stringOpt(args, "prompt", true),
    seed: numberOpt(args, "seed", { min: 0, max: 0xffff_ffff, integer: true }) ?? 0,
    temperature: numberOpt(args, "temperature", { min: 0, max: 5 }) ?? 0,
    maxTokens: numberOpt(args, "max-tokens", { min: 1, max: 65_536, integer: true }) ?? 128,
    ...(topP !== undefined ? { topP } : {}),
    ...(topK !== undefined ? { topK } : {}),
    ...(Array.isArray(stop) && stop.length > 0 ? { stop: stop.filter((s): s is string => typeof s === "string") } : {}),
  };
}
