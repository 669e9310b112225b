import path from "node:path";
import { sha256File } from "../../../src-shared/node/file-hash.js";
import { readGgufHeader } from "../../../src-shared/node/gguf/reader.js";
import type { GenerateParams, VerifyParams } from "../../../src-shared/worker-contract.js";
import { appDataDir } from "../../paths.js";
import { calibrate } from "../../verify/calibrate.js";
import { readCalibrationFile, withEntry, writeCalibrationFile, type ToleranceEntry } from "../../verify/tolerances.js";
import {
  loadModelWithProgress,
  loadParamsFromArgs,
  modelOptionHelp,
  modelOptions,
  resolveModelArg,
} from "../../worker-client/model-arg.js";
import { withWorker } from "../../worker-client/with-worker.js";
import { numberOpt, stringOpt, UsageError, type CommandSpec } from "../command.js";
import { endProgress, progressBar, writeProgress, writeResult } from "../output.js";

const ACTIONS = ["calibrate"] as const;

/** Where tolerances live unless --out says otherwise; the oracle reads the same file. */
export function defaultTolerancesPath(): string {
  return path.join(appDataDir(), "verify-tolerances.json");
}

export const verifyCommand: CommandSpec = {
  name: "verify",
  summary: "token-level verification: calibrate tolerances from honest runs",
  usage:
    "calibrate --model <file|id> [--runs N] [--temperature T] [--sampler native|seeded] [--max-tokens N] [--top-k K] [--alpha A] [--out FILE] [--json]",
  details: [
    "calibrate  generates --runs honest outputs with the model, re-scores each one as a verifier",
    "           would (teacher forcing), and writes the measured tolerances for this model file,",
    "           quantization, backend and temperature into --out (other entries are kept).",
  ].join("\n"),
  options: {
    ...modelOptions,
    runs: { type: "string" },
    temperature: { type: "string" },
    sampler: { type: "string" },
    "max-tokens": { type: "string" },
    "top-k": { type: "string" },
    alpha: { type: "string" },
    out: { type: "string" },
  },
  optionHelp: {
    ...modelOptionHelp,
    runs: "honest runs to measure (default 24)",
    temperature: "sampling temperature of the tasks to verify (default 0: greedy)",
    sampler: '"seeded" draws tokens in JavaScript so the verifier can redo each draw (default native)',
    "max-tokens": "tokens per run (default 128)",
    "top-k": "a claimed token ranked k-th or worse counts as outside (default 1 greedy, 10 sampled)",
    alpha: "false-alarm probability per test and check (default 0.001)",
    out: "calibration file to add the entry to (default: verify-tolerances.json in the data folder)",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const action = args.positionals[0];
    if (!action || !(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`verify needs an action: ${ACTIONS.join(", ")}`);
    const runs = numberOpt(args, "runs", { min: 1, max: 10_000, integer: true }) ?? 24;
    const temperature = numberOpt(args, "temperature", { min: 0, max: 5 }) ?? 0;
    const sampler = stringOpt(args, "sampler") ?? "native";
    if (sampler !== "native" && sampler !== "seeded")
      throw new UsageError(`--sampler must be native or seeded, got "${sampler}"`);
    const maxTokens = numberOpt(args, "max-tokens", { min: 1, max: 65_536, integer: true }) ?? 128;
    const topK = numberOpt(args, "top-k", { min: 1, integer: true });
    const alpha = numberOpt(args, "alpha", { min: 1e-12, max: 0.49 }) ?? 0.001;
    const out = path.resolve(stringOpt(args, "out") ?? defaultTolerancesPath());
    // Read first: a damaged file is reported before minutes of calibration, not after.
    const existing = await readCalibrationFile(out);
    const load = await loadParamsFromArgs(args, resolveModelArg);
    const [{ sha256 }, header] = await Promise.all([
      sha256File(load.path, { signal: ctx.signal }),
      readGgufHeader(load.path),
    ]);

    const entry = await withWorker(async (worker) => {
      const loaded = await loadModelWithProgress(worker, { ...load, sha256 }, ctx);
      const port = {
        generate: (p: GenerateParams) => worker.call("generate", p, { signal: ctx.signal }),
        verify: (p: VerifyParams) => worker.call("verify", p, { signal: ctx.signal }),
      };
      try {
        return await calibrate(
          port,
          {
            modelSha256: sha256,
            modelFile: path.basename(load.path),
            quantization: header.quantization ?? "unknown",
            backend: loaded.model.backend,
          },
          {
            runs,
            temperature,
            sampler,
            maxTokens,
            alpha,
            ...(topK !== undefined ? { topK } : {}),
            signal: ctx.signal,
            onRun: (done, total) =>
              writeProgress(
                ctx,
                { stage: "calibrate", fraction: done / total },
                () => `calibrating ${progressBar(done / total)}`,
              ),
          },
        );
      } finally {
        endProgress(ctx);
      }
    });
    await writeCalibrationFile(out, withEntry(existing, entry));
    writeResult<ToleranceEntry & { out: string }>(ctx, { ...entry, out }, describe);
  },
};

function describe(e: ToleranceEntry & { out: string }): string {
  return [
    `${e.modelFile} (${e.quantization}, ${e.backend}, temperature ${e.temperature}, ${e.sampler} sampler): ${e.runs} honest runs, ${e.tokens} tokens`,
    ...(e.sampler === "seeded" ? [`  seeded draws redone differently: ${e.offSample}`] : []),
    `  outside top ${e.topK}: ${e.outside} (${((e.outside / e.tokens) * 100).toFixed(2)}%), worst run ${(e.worstRunOutsideShare * 100).toFixed(1)}%`,
    `  log-prob gap: mean ${e.gapMean.toFixed(4)}, sd ${e.gapSd.toFixed(4)}, worst run mean ${e.worstRunMeanGap.toFixed(4)}`,
    `  numerical noise (one at a time vs batched): ${e.noise.toExponential(2)}`,
    `written to ${e.out}`,
  ].join("\n");
}
