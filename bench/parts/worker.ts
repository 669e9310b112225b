import os from "node:os";
import path from "node:path";
import { getLlama, LlamaCompletion, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { ensureTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import type { GenerateParams } from "../../src-shared/worker-contract.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { median } from "../../src-worker/benchmark.js";
import { defaultThreads } from "../../src-worker/default-threads.js";
import { generateText } from "../../src-worker/generate.js";
import type { BenchPart, BenchRow } from "../types.js";

const ROUNDS = 16;
const CONTEXT = 2048;
const task: GenerateParams = {
  prompt: "Once upon a time, in a small village by the sea, there lived",
  seed: 1,
  temperature: 0.8,
  maxTokens: 128,
};

/**
 * The worker's cost, measured side by side: the same model, settings and generation code run
 * in this process and through the worker, alternating rounds so machine noise hits both alike.
 */
export const workerPart: BenchPart = {
  name: "worker",
  description: "inference worker: IPC overhead, first token, cold start, thread choice",
  async run(log) {
    const { modelPath, which } = await benchModel();
    log(`model: ${which} (${modelPath})`);
    const threads = await defaultThreads();
    log(`chosen default threads: ${threads} (${os.availableParallelism()} logical cores)`);
    const rows: BenchRow[] = [];

    const llama = await getLlama({ build: "never", gpu: "auto", logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath });
    const local = await inProcess(model, threads);
    const worker = new WorkerSupervisor();
    try {
      await worker.start();
      await worker.call("loadModel", { path: modelPath, threads, contextSize: CONTEXT });
      await worker.call("generate", { ...task, maxTokens: 16 });
      await local.generate({ ...task, maxTokens: 16 });
      const inTps: number[] = [];
      const wTps: number[] = [];
      const wTtft: number[] = [];
      const seenTtft: number[] = [];
      const viaWorker = async () => {
        const sent = performance.now();
        let firstSeen: number | undefined;
        const r = await worker.call("generate", task, { onEvent: () => (firstSeen ??= performance.now()) });
        wTps.push(r.timings.tokensPerSecond);
        wTtft.push(r.timings.ttftMs);
        seenTtft.push((firstSeen ?? performance.now()) - sent);
      };
      const viaLocal = async () => {
        inTps.push((await local.generate(task)).timings.tokensPerSecond);
      };
      // A-B, B-A, … so neither side always runs first (warm caches, load that drifts over time).
      for (let i = 0; i < ROUNDS; i++) {
        for (const step of i % 2 === 0 ? [viaLocal, viaWorker] : [viaWorker, viaLocal]) await step();
      }
      // Each round's two runs sit next to each other in time, so their ratio cancels slow drifts in
      // machine load; the median of those ratios is the figure judged.
      const ratio = median(wTps.map((w, i) => w / (inTps[i] ?? Number.NaN)).filter(Number.isFinite));
      rows.push(
        { metric: "in-process tokens/s", value: median(inTps), unit: "tok/s" },
        { metric: "worker tokens/s", value: median(wTps), unit: "tok/s" },
        {
          metric: "worker ÷ in-process tokens/s (median of paired rounds)",
          value: ratio,
          unit: "×",
          goal: "≥ 0.95",
          pass: ratio >= 0.95,
        },
        { metric: "time to first token (in worker)", value: median(wTtft), unit: "ms" },
        { metric: "time to first token (seen by main)", value: median(seenTtft), unit: "ms" },
      );
    } finally {
      await worker.stop();
      await local.dispose();
    }

    rows.push(...(await coldStart(modelPath, threads)));
    rows.push(...(await threadSweep(model, threads, log)));
    await model.dispose();
    const load = os.loadavg()[0] ?? 0;
    return {
      rows,
      notes: [
        `model: ${which}`,
        `${task.maxTokens} tokens per run, ${ROUNDS} rounds of one in-process and one worker run (order alternating), medians`,
        `load average ${load.toFixed(1)} on ${os.availableParallelism()} cores: above the core count, ratios are noisy`,
      ],
    };
  },
};

async function benchModel(): Promise<{ modelPath: string; which: string }> {
  const env = process.env.POUW_TEST_MODEL;
  if (env) return { modelPath: env, which: `POUW_TEST_MODEL ${path.basename(env)}` };
  const { model } = await ensureTinyLlamaModel(path.join(os.tmpdir(), "pouw-miner-test-models"));
  return { modelPath: model.path, which: "generated tiny llama (set POUW_TEST_MODEL for a real model)" };
}

async function inProcess(model: LlamaModel, threads: number | undefined) {
  const context = await model.createContext({ contextSize: CONTEXT, ...(threads !== undefined ? { threads } : {}) });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  return {
    threads: context.currentThreads,
    generate: (params: GenerateParams) => generateText({ model, sequence, completion }, params),
    dispose: async () => {
      completion.dispose();
      await context.dispose();
    },
  };
}

/** Spawn → ready, and spawn → first streamed token of a fresh worker (load included). */
async function coldStart(modelPath: string, threads: number): Promise<BenchRow[]> {
  const toReady: number[] = [];
  const toToken: number[] = [];
  for (let i = 0; i < 2; i++) {
    const w = new WorkerSupervisor();
    const t0 = performance.now();
    try {
      await w.start();
      toReady.push(performance.now() - t0);
      await w.call("loadModel", { path: modelPath, threads, contextSize: CONTEXT });
      let first: number | undefined;
      await w.call("generate", { ...task, maxTokens: 4 }, { onEvent: () => (first ??= performance.now()) });
      toToken.push((first ?? performance.now()) - t0);
    } finally {
      await w.stop();
    }
  }
  return [
    { metric: "worker cold start: spawn → ready", value: median(toReady), unit: "ms" },
    { metric: "worker cold start: spawn → first token", value: median(toToken), unit: "ms" },
  ];
}

/** tokens/s for 1..logical cores and node-llama-cpp's own default; the chosen default vs the best. */
async function threadSweep(model: LlamaModel, chosen: number, log: (l: string) => void): Promise<BenchRow[]> {
  const counts = Array.from({ length: os.availableParallelism() }, (_, i) => i + 1);
  const measured = new Map<number, number>();
  const rows: BenchRow[] = [];
  for (const t of counts) {
    const ctx = await inProcess(model, t);
    try {
      await ctx.generate({ ...task, maxTokens: 8 });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push((await ctx.generate({ ...task, maxTokens: 128 })).timings.tokensPerSecond);
      measured.set(t, median(runs));
      rows.push({ metric: `threads ${t}`, value: median(runs), unit: "tok/s" });
    } finally {
      await ctx.dispose();
    }
  }
  // node-llama-cpp's default can be hundreds of times slower on small machines: few tokens suffice.
  const lib = await inProcess(model, undefined);
  try {
    const r = await lib.generate({ ...task, maxTokens: 12 });
    log(`node-llama-cpp default uses ${lib.threads} threads`);
    rows.push({
      metric: `node-llama-cpp default (${lib.threads} threads)`,
      value: r.timings.tokensPerSecond,
      unit: "tok/s",
    });
  } finally {
    await lib.dispose();
  }
  const best = Math.max(...measured.values());
  const chosenTps = measured.get(chosen) ?? 0;
  const ratio = best > 0 ? chosenTps / best : 0;
  rows.push({
    metric: `chosen threads (${chosen}) ÷ best`,
    value: ratio,
    unit: "×",
    goal: "≥ 0.9",
    pass: ratio >= 0.9,
  });
  return rows;
}
