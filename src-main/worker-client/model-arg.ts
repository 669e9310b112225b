import path from "node:path";
import type { CliContext, OptionSpecs, ParsedCommandArgs } from "../cli/command.js";
import { numberOpt, stringOpt, UsageError } from "../cli/command.js";
import { endProgress, progressBar, writeProgress } from "../cli/output.js";
import type { LoadModelParams, LoadModelResult } from "../../src-shared/worker-contract.js";
import { resolveModel } from "../models/resolve.js";
import { modelsDir } from "../paths.js";
import type { WorkerSupervisor } from "./supervisor.js";

/** The options every model-running command shares (infer, embed, bench worker). */
export const modelOptions = {
  model: { type: "string", short: "m" },
  threads: { type: "string" },
  "gpu-layers": { type: "string" },
  "context-size": { type: "string" },
  sha256: { type: "string" },
} as const satisfies OptionSpecs;

export const modelOptionHelp: Record<string, string> = {
  model: "a .gguf file, or a catalogue model id",
  threads: "CPU threads (default: physical cores minus one)",
  "gpu-layers": 'layers to put on the GPU, or "auto" (default auto)',
  "context-size": "context window in tokens (default 2048, at most the model's own)",
  sha256: "refuse the file unless its SHA-256 is this (64 hex digits)",
};

/** Turns the shared options into loadModel params; the file or id is resolved by `resolve`. */
export async function loadParamsFromArgs(
  args: ParsedCommandArgs,
  resolve: (fileOrId: string) => Promise<{ path: string; sha256?: string }>,
  fallbackModel?: () => Promise<string>,
): Promise<LoadModelParams> {
  const given = stringOpt(args, "model");
  if (given === undefined && !fallbackModel) throw new UsageError("missing required option --model");
  const model = given !== undefined ? await resolve(given) : { path: await (fallbackModel as () => Promise<string>)() };
  const gpuRaw = stringOpt(args, "gpu-layers");
  const sha256 = stringOpt(args, "sha256") ?? model.sha256;
  const threads = numberOpt(args, "threads", { min: 1, max: 512, integer: true });
  const contextSize = numberOpt(args, "context-size", { min: 16, integer: true });
  return {
    path: model.path,
    ...(sha256 ? { sha256 } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    ...(gpuRaw === undefined || gpuRaw === "auto"
      ? {}
      : { gpuLayers: numberOpt(args, "gpu-layers", { min: 0, integer: true }) ?? 0 }),
  };
}

/** Loads a model in the worker, showing load/verify progress the CLI way. */
export async function loadModelWithProgress(
  worker: WorkerSupervisor,
  params: LoadModelParams,
  ctx: CliContext,
): Promise<LoadModelResult> {
  const name = path.basename(params.path);
  try {
    return await worker.call("loadModel", params, {
      signal: ctx.signal,
      onEvent: (p) =>
        writeProgress(
          ctx,
          { ...p },
          () => `${p.stage === "verify" ? "verifying" : "loading"} ${name} ${progressBar(p.fraction ?? 0)}`,
        ),
    });
  } finally {
    endProgress(ctx);
  }
}

/** `--model` as a file path, a file in the models folder, or a downloaded catalogue id. */
export async function resolveModelArg(fileOrId: string): Promise<{ path: string; sha256?: string }> {
  return { path: (await resolveModel(fileOrId, modelsDir())).path };
}
