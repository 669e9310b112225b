import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from "node-llama-cpp";
import { sha256File } from "../../src-shared/node/file-hash.js";
import type { GenerateParams, GenerateResult } from "../../src-shared/worker-contract.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { calibrate, honestTask, samplingOf, type InferencePort } from "../../src-main/verify/calibrate.js";
import { checkReveal, type TokenReveal } from "../../src-main/verify/check-reveal.js";
import type { ToleranceEntry } from "../../src-main/verify/tolerances.js";
import { tinyImpostorModelPath, tinyModelPath } from "../helpers/tiny-model.js";

// Teacher-forcing verification through the worker, on the project-written tiny models (fresh
// clone) and, when set, on real ones: POUW_TEST_MODEL (stories260K) served, POUW_TEST_MODEL_2
// (TinyStories-656K) as the substituted model.
const realModel = process.env.POUW_TEST_MODEL;
const realImpostor = process.env.POUW_TEST_MODEL_2;
if (!realModel)
  console.warn("verify-tokens real-model tests skipped: set POUW_TEST_MODEL to a stories260K GGUF to run them");
if (realModel && !realImpostor)
  console.warn("verify-tokens substituted-model test skipped: set POUW_TEST_MODEL_2 to a second GGUF");

const MAX_TOKENS = 48;
const workers: WorkerSupervisor[] = [];
let llama: Llama | undefined;
const tokenizers: LlamaModel[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  for (const t of tokenizers) await t.dispose();
  await llama?.dispose();
});

interface Served {
  port: InferencePort;
  sha256: string;
  worker: WorkerSupervisor;
}

async function serve(path: string): Promise<Served> {
  const worker = new WorkerSupervisor();
  workers.push(worker);
  await worker.start();
  await worker.call("loadModel", { path, threads: 1, contextSize: 512 });
  const port: InferencePort = { generate: (p) => worker.call("generate", p), verify: (p) => worker.call("verify", p) };
  return { port, worker, sha256: (await sha256File(path)).sha256 };
}

/** The served model's tokenizer, in this process: what a cheater who writes text elsewhere uses. */
async function tokenizerOf(path: string): Promise<LlamaModel> {
  llama ??= await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
  tokenizers.push(model);
  return model;
}

function revealOf(result: GenerateResult, sha256: string): TokenReveal {
  return {
    tokenIds: result.tokenIds ?? [],
    modelSha256: sha256,
    finish: result.finishReason === "eos" ? "eos" : "length",
    text: result.text,
  };
}

async function calibrated(served: Served): Promise<ToleranceEntry> {
  return calibrate(
    served.port,
    { modelSha256: served.sha256, modelFile: "m.gguf", quantization: "F32", backend: "cpu" },
    { runs: 12, temperature: 0, maxTokens: MAX_TOKENS, alpha: 0.001 },
  );
}

/** Fresh tasks (other prompts' seeds than calibration's first runs). */
const task = (i: number): GenerateParams => honestTask(100 + i, 0, MAX_TOKENS);

function randomTokens(n: number, vocab: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 3 + (s % (vocab - 3));
  });
}

describe("token verification on the project-written tiny models", () => {
  let served: Served;
  let other: Served;
  let tol: ToleranceEntry;
  beforeAll(async () => {
    [served, other] = await Promise.all([serve(await tinyModelPath()), serve(await tinyImpostorModelPath())]);
    tol = await calibrated(served);
  });

  it("generation returns the token ids its text decodes from, and honest greedy outputs pass", async () => {
    for (let i = 0; i < 4; i++) {
      const generated = await served.port.generate(task(i));
      expect(generated.tokenIds).toHaveLength(generated.tokens);
      const verdict = await checkReveal(
        { task: task(i), reveal: revealOf(generated, served.sha256), modelSha256: served.sha256, tolerances: tol },
        served.port.verify,
      );
      expect(verdict.status, JSON.stringify(verdict)).toBe("pass");
    }
  });

  it("reads whole distributions only where needed, with the scores of reading them everywhere", async () => {
    const honest = await served.port.generate(task(5));
    const foreign = await other.port.generate(task(5));
    for (const tokenIds of [honest.tokenIds ?? [], foreign.tokenIds ?? []]) {
      const params = { prompt: task(5).prompt, tokenIds, scoreEnd: true };
      const [fast, full] = [
        await served.port.verify(params),
        await served.port.verify({ ...params, scoreEvery: true }),
      ];
      // Equal up to float noise: which positions return logits changes llama.cpp's batches slightly.
      const all = (r: typeof fast) => [...r.positions, ...(r.end ? [r.end] : [])];
      expect(all(fast).map((p) => p.rank)).toEqual(all(full).map((p) => p.rank));
      all(fast).forEach((p, i) => {
        expect(p.logProb).toBeCloseTo(all(full)[i]?.logProb ?? Number.NaN, 4);
        expect(p.topLogProb).toBeCloseTo(all(full)[i]?.topLogProb ?? Number.NaN, 4);
      });
      expect(fast.text).toBe(full.text);
    }
  });

  it("fails another model's output and random tokens", async () => {
    for (let i = 0; i < 3; i++) {
      const foreign = await other.port.generate(task(i));
      // The impostor claims to be the served model: same vocabulary, so its ids are valid as they are.
      const claimed = { ...revealOf(foreign, served.sha256), finish: "length" as const };
      const verdict = await checkReveal(
        {
          task: { ...task(i), maxTokens: claimed.tokenIds.length },
          reveal: claimed,
          modelSha256: served.sha256,
          tolerances: tol,
        },
        served.port.verify,
      );
      expect(verdict.status, JSON.stringify(verdict)).toBe("fail");
    }
    const junk = { tokenIds: randomTokens(MAX_TOKENS, 512, 5), modelSha256: served.sha256, finish: "length" };
    const verdict = await checkReveal(
      { task: task(0), reveal: junk, modelSha256: served.sha256, tolerances: tol },
      served.port.verify,
    );
    expect(verdict.status).toBe("fail");
  });

  it("seeded sampling: the same tokens from two worker processes, honest outputs pass, another model's fail", async () => {
    const third = await serve(await tinyModelPath());
    const seededTol = await calibrate(
      served.port,
      { modelSha256: served.sha256, modelFile: "m.gguf", quantization: "F32", backend: "cpu" },
      { runs: 8, temperature: 0.9, sampler: "seeded", maxTokens: MAX_TOKENS, alpha: 0.001 },
    );
    expect(seededTol.offSample).toBe(0);
    for (let i = 0; i < 3; i++) {
      const t = honestTask(200 + i, 0.9, MAX_TOKENS, "seeded");
      const [a, b] = await Promise.all([served.port.generate(t), third.port.generate(t)]);
      expect(b.tokenIds).toEqual(a.tokenIds);
      const sampling = samplingOf(t);
      const honest = await checkReveal(
        {
          task: { ...t, ...(sampling ? { sampling } : {}) },
          reveal: revealOf(a, served.sha256),
          modelSha256: served.sha256,
          tolerances: seededTol,
        },
        served.port.verify,
      );
      expect(honest.status, JSON.stringify(honest)).toBe("pass");
      const foreign = await other.port.generate(t);
      const claimed = { ...revealOf(foreign, served.sha256), finish: "length" as const };
      const cheat = await checkReveal(
        {
          task: { ...t, maxTokens: claimed.tokenIds.length, ...(sampling ? { sampling } : {}) },
          reveal: claimed,
          modelSha256: served.sha256,
          tolerances: seededTol,
        },
        served.port.verify,
      );
      expect(cheat.status, JSON.stringify(cheat)).toBe("fail");
    }
    await third.worker.stop();
  });

  it("fails bad input with a one-line reason and the worker keeps serving", async () => {
    const base = { modelSha256: served.sha256, finish: "length" };
    const outOfVocab = await checkReveal(
      {
        task: { ...task(0), maxTokens: 3 },
        reveal: { ...base, tokenIds: [300, 70_000, 301] },
        modelSha256: served.sha256,
        tolerances: tol,
      },
      served.port.verify,
    );
    expect(outOfVocab).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/token id 70000 at position 1 is outside the model's vocabulary/),
    });
    const long = randomTokens(600, 512, 9);
    const overflow = await checkReveal(
      {
        task: { ...task(0), maxTokens: 600 },
        reveal: { ...base, tokenIds: long },
        modelSha256: served.sha256,
        tolerances: tol,
      },
      served.port.verify,
    );
    expect(overflow).toMatchObject({ status: "fail", reason: expect.stringMatching(/context holds 512/) });
    for (const v of [outOfVocab, overflow]) if (v.status !== "pass") expect(v.reason).not.toContain("\n");
    const generated = await served.port.generate(task(1));
    expect(
      (
        await checkReveal(
          { task: task(1), reveal: revealOf(generated, served.sha256), modelSha256: served.sha256, tolerances: tol },
          served.port.verify,
        )
      ).status,
    ).toBe("pass");
  });
});

describe.skipIf(!realModel)("token verification on stories260K (POUW_TEST_MODEL)", () => {
  let served: Served;
  let tol: ToleranceEntry;
  beforeAll(async () => {
    served = await serve(realModel as string);
    tol = await calibrated(served);
  });

  it("passes honest outputs and fails random tokens and a truncated output that claims to have ended", async () => {
    for (let i = 0; i < 4; i++) {
      const generated = await served.port.generate(task(i));
      const reveal = revealOf(generated, served.sha256);
      expect(
        (await checkReveal({ task: task(i), reveal, modelSha256: served.sha256, tolerances: tol }, served.port.verify))
          .status,
      ).toBe("pass");
      const cut = reveal.tokenIds.slice(0, Math.floor(reveal.tokenIds.length / 2));
      const truncated = await checkReveal(
        {
          task: task(i),
          reveal: { ...reveal, tokenIds: cut, finish: "eos", text: undefined },
          modelSha256: served.sha256,
          tolerances: tol,
        },
        served.port.verify,
      );
      expect(truncated).toMatchObject({ status: "fail", reason: expect.stringMatching(/claims to end/) });
    }
    const junk = { tokenIds: randomTokens(MAX_TOKENS, 512, 11), modelSha256: served.sha256, finish: "length" };
    expect(
      (
        await checkReveal(
          { task: task(0), reveal: junk, modelSha256: served.sha256, tolerances: tol },
          served.port.verify,
        )
      ).status,
    ).toBe("fail");
  });

  it.skipIf(!realImpostor)(
    "fails text written by another model (POUW_TEST_MODEL_2), re-tokenized as the served model's",
    async () => {
      const other = await serve(realImpostor as string);
      const tokenizer = await tokenizerOf(realModel as string);
      for (let i = 0; i < 4; i++) {
        const foreign = await other.port.generate(task(i));
        const tokenIds = tokenizer.tokenize(foreign.text, false);
        const reveal = { tokenIds, modelSha256: served.sha256, finish: "length", text: foreign.text };
        const verdict = await checkReveal(
          { task: { ...task(i), maxTokens: tokenIds.length }, reveal, modelSha256: served.sha256, tolerances: tol },
          served.port.verify,
        );
        expect(verdict.status, JSON.stringify(verdict)).toBe("fail");
      }
    },
  );
});
