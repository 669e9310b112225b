import os from "node:os";
import type { Token } from "node-llama-cpp";
import path from "node:path";
import { sha256File } from "../../src-shared/node/file-hash.js";
import { readGgufHeader } from "../../src-shared/node/gguf/reader.js";
import { ensureTinyLlamaModel, writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import type { GenerateParams, GenerateResult, VerifyParams, VerifyResult } from "../../src-shared/worker-contract.js";
import { calibrate, honestTask, samplingOf, type InferencePort } from "../../src-main/verify/calibrate.js";
import { checkReveal } from "../../src-main/verify/check-reveal.js";
import { judgeTokens, prefixOf, type Verdict } from "../../src-main/verify/token-check.js";
import type { ToleranceEntry } from "../../src-main/verify/tolerances.js";
import { median } from "../../src-worker/benchmark.js";
import { defaultThreads } from "../../src-worker/default-threads.js";
import { generateText } from "../../src-worker/generate.js";
import { ModelHost } from "../../src-worker/model-host.js";
import { tokenizePrompt } from "../../src-worker/prompt-tokens.js";
import { verifyTokens } from "../../src-worker/verify.js";
import type { BenchPart, BenchRow } from "../types.js";
import { similarPrompt, STRATEGIES, type MinerModels, type Strategy } from "./verify-strategies.js";

const TASKS = Number(process.env.POUW_BENCH_VERIFY_TASKS) || 200;
const MAX_TOKENS = Number(process.env.POUW_BENCH_VERIFY_TOKENS) || 64;
const CALIBRATION_RUNS = 24;
/** "seeded" runs every task with the JavaScript sampler at temperature 0.8; default greedy. */
const SAMPLER: "native" | "seeded" = process.env.POUW_BENCH_VERIFY_SAMPLER === "seeded" ? "seeded" : "native";
const TEMPERATURE = SAMPLER === "seeded" ? 0.8 : 0;
/** Output lengths at which a check on a prefix is judged, for "tokens needed". */
const LADDER = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * Token-level verification against cheating strategies: the served model answers honestly, each
 * strategy answers dishonestly, a verifier with the served model re-scores every reveal against
 * tolerances calibrated beforehand from separate honest runs. Everything runs in this process
 * through the same functions the worker serves.
 */
export const verifyPart: BenchPart = {
  name: "verify",
  description: `proof of inference by teacher forcing: ${TASKS} tasks per strategy, honest vs impostors (${SAMPLER === "seeded" ? "seeded sampling, temperature 0.8" : "greedy"})`,
  async run(log) {
    const served = await servedModels();
    log(
      `served: ${served.servedName}; impostor: ${served.impostorName}; ${TASKS} tasks × ${MAX_TOKENS} tokens, temperature ${TEMPERATURE}, ${SAMPLER} sampler`,
    );
    const threads = await defaultThreads();
    const a = new ModelHost({ defaultThreads: async () => threads, gpu: "auto" });
    const b = new ModelHost({ defaultThreads: async () => threads, gpu: "auto" });
    try {
      const info = (await a.load({ path: served.servedPath, threads, contextSize: 1024 })).model;
      await b.load({ path: served.impostorPath, threads, contextSize: 1024 });
      const sha256 = (await sha256File(served.servedPath)).sha256;
      const quantization = (await readGgufHeader(served.servedPath)).quantization ?? "unknown";
      const port: InferencePort = {
        generate: (p) => a.use((m) => generateText(m, p)),
        verify: (p) => a.use((m) => verifyTokens(m, p)),
      };
      const tol = await calibrate(
        port,
        { modelSha256: sha256, modelFile: path.basename(served.servedPath), quantization, backend: info.backend },
        { runs: CALIBRATION_RUNS, temperature: TEMPERATURE, sampler: SAMPLER, maxTokens: MAX_TOKENS, alpha: 0.001 },
      );
      log(
        `calibrated from ${tol.runs} honest runs (${tol.tokens} tokens): ${tol.outside} outside the top ${tol.topK}, gap sd ${tol.gapSd.toExponential(2)}`,
      );
      // Tokenizing is synchronous and the model stays loaded to the end, so strategies need no lock.
      const { tokenize, vocabSize } = await a.use(async (m) => ({
        tokenize: (text: string) => m.model.tokenize(text, false),
        vocabSize: m.model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 0,
      }));
      const models: MinerModels = {
        served: port.generate,
        impostor: (p) => b.use((m) => generateText(m, p)),
        tokenize,
        vocabSize,
      };

      const honest: GenerateResult[] = [];
      const tasks: GenerateParams[] = [];
      for (let i = 0; i < TASKS; i++) {
        tasks.push(honestTask(CALIBRATION_RUNS + i, TEMPERATURE, MAX_TOKENS, SAMPLER));
        honest.push(await port.generate(tasks[i] as GenerateParams));
      }
      log(`${TASKS} honest answers generated`);
      const rows: BenchRow[] = [];
      const ratios: number[] = [];
      for (const strategy of STRATEGIES) {
        const outcome = await runStrategy(strategy, { tasks, honest, models, sha256, tol, port, ratios });
        rows.push(...outcome.rows);
        log(`${strategy.name}: ${outcome.summary}`);
      }
      const genMs = median(honest.map((h) => h.timings.totalMs));
      const bare = await bareEvaluationRatios(a, tasks, honest);
      rows.push(
        { metric: "generation time per task (median)", value: genMs, unit: "ms" },
        {
          metric: "verifier ÷ generation time (median over honest tasks)",
          value: median(ratios),
          unit: "×",
          goal: "≤ 0.05",
          pass: median(ratios) <= 0.05,
        },
        {
          metric: "batched forward pass alone ÷ generation time (no probabilities read)",
          value: median(bare),
          unit: "×",
        },
      );
      return {
        rows,
        notes: [
          `served ${served.servedName}, impostor ${served.impostorName}; ${info.backend}, ${threads} threads`,
          `tolerances: ${tol.runs} honest calibration runs, ${tol.outside}/${tol.tokens} tokens outside top ${tol.topK}, ${tol.offSample} seeded draws off, noise ${tol.noise.toExponential(2)}, alpha ${tol.alpha} per test`,
          "tokens needed: the shortest output (1, 2, 4, … tokens) at which ≥ 99% of the strategy's tasks are caught; 0 = caught without re-scoring",
        ],
      };
    } finally {
      await a.unload();
      await b.unload();
    }
  },
};

interface StrategyInput {
  tasks: GenerateParams[];
  honest: GenerateResult[];
  models: MinerModels;
  sha256: string;
  tol: ToleranceEntry;
  port: InferencePort;
  ratios: number[];
}

async function runStrategy(strategy: Strategy, input: StrategyInput): Promise<{ rows: BenchRow[]; summary: string }> {
  const { tasks, honest, tol } = input;
  const verdicts: Verdict[] = [];
  const scoredByTask: Array<VerifyResult | undefined> = [];
  let identical = 0;
  const started = performance.now();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as GenerateParams;
    const reveal = await strategy.reveal({
      task,
      honest: honest[i] as GenerateResult,
      otherHonest: honest[(i + 1) % honest.length] as GenerateResult,
      similarHonest: () => input.port.generate({ ...task, prompt: similarPrompt(task.prompt) }),
      index: i,
      models: input.models,
      modelSha256: input.sha256,
    });
    if (!strategy.honest && sameTokens(reveal.tokenIds, honest[i]?.tokenIds ?? [])) identical++;
    let scored: VerifyResult | undefined;
    const verify = async (p: VerifyParams) => (scored = await input.port.verify(p));
    const sampling = samplingOf(task);
    verdicts.push(
      await checkReveal(
        { task: { ...task, ...(sampling ? { sampling } : {}) }, reveal, modelSha256: input.sha256, tolerances: tol },
        verify,
      ),
    );
    scoredByTask.push(scored);
    if (strategy.honest && scored) input.ratios.push(scored.evalMs / (honest[i] as GenerateResult).timings.totalMs);
  }
  const failed = verdicts.filter((v) => v.status === "fail").length;
  const errors = verdicts.filter((v) => v.status === "error").length;
  const share = failed / verdicts.length;
  const needed = strategy.honest ? undefined : tokensNeeded(verdicts, scoredByTask, tol);
  const rows: BenchRow[] = strategy.honest
    ? [{ metric: "honest: wrongly flagged", value: share * 100, unit: "%", goal: "≤ 1%", pass: share <= 0.01 }]
    : [
        { metric: `${strategy.name}: caught`, value: share * 100, unit: "%", goal: "≥ 99%", pass: share >= 0.99 },
        { metric: `${strategy.name}: tokens needed for 99%`, value: needed ?? Number.NaN, unit: "tokens" },
      ];
  if (errors > 0) rows.push({ metric: `${strategy.name}: verifier errors`, value: errors, unit: "tasks" });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // Why honest answers were flagged is what tuning needs; name the first few.
  const flagged = strategy.honest ? verdicts.flatMap((v) => (v.status !== "pass" ? [v.reason] : [])) : [];
  const oddNote = flagged.length > 0 ? `; flagged: ${flagged.slice(0, 3).join(" | ")}` : "";
  const summary = `${failed}/${verdicts.length} failed${identical > 0 ? `, ${identical} identical to the honest answer` : ""} (${seconds} s)${oddNote}`;
  return { rows, summary };
}

/**
 * The shortest output length at which ≥ 99% of a strategy's tasks are caught. A failure that
 * needed no re-scoring (shape, length, vocabulary, decoded text) counts at 0 tokens; the others are
 * judged again on their first n re-scored tokens (a failed end claim counts only at full length).
 */
function tokensNeeded(
  verdicts: Verdict[],
  scored: Array<VerifyResult | undefined>,
  tol: ToleranceEntry,
): number | undefined {
  const caughtAt = (i: number, n: number): boolean => {
    const v = verdicts[i];
    const s = scored[i];
    if (v?.status !== "fail") return false;
    if (!s || !v.stats) return true;
    if (n === 0) return false;
    if (n >= s.positions.length) return true;
    return judgeTokens(prefixOf({ positions: s.positions }, n), tol).status === "fail";
  };
  for (const n of [0, ...LADDER]) {
    let caught = 0;
    for (let i = 0; i < verdicts.length; i++) if (caughtAt(i, n)) caught++;
    if (caught >= 0.99 * verdicts.length) return n;
  }
  return undefined;
}

/** Prompt + output evaluated in batches with nothing read back: the model's own share of the verifier's time. */
async function bareEvaluationRatios(
  host: ModelHost,
  tasks: GenerateParams[],
  honest: GenerateResult[],
): Promise<number[]> {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(50, tasks.length); i++) {
    const task = tasks[i] as GenerateParams;
    const result = honest[i] as GenerateResult;
    const ms = await host.use(async (m) => {
      const tokens = [...tokenizePrompt(m.model, task.prompt), ...((result.tokenIds ?? []) as Token[])];
      const t0 = performance.now();
      await m.sequence.clearHistory();
      await m.sequence.evaluateWithoutGeneratingNewTokens(tokens);
      return performance.now() - t0;
    });
    ratios.push(ms / result.timings.totalMs);
  }
  return ratios;
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

async function servedModels(): Promise<{
  servedPath: string;
  servedName: string;
  impostorPath: string;
  impostorName: string;
}> {
  const dir = path.join(os.tmpdir(), "pouw-miner-test-models");
  const envServed = process.env.POUW_TEST_MODEL;
  const envImpostor = process.env.POUW_TEST_MODEL_2;
  const servedPath = envServed ?? (await ensureTinyLlamaModel(dir)).model.path;
  const impostorPath =
    envImpostor ?? (await writeTinyLlamaModel(path.join(dir, "pouw-tiny-llama-seed2.gguf"), { seed: 2 })).path;
  return {
    servedPath,
    servedName: envServed ? path.basename(envServed) : "project-written tiny llama (set POUW_TEST_MODEL)",
    impostorPath,
    impostorName: envImpostor ? path.basename(envImpostor) : "tiny llama with other weights (set POUW_TEST_MODEL_2)",
  };
}
