import { describe, expect, it } from "vitest";
import {
  FromWorkerMessage,
  GenerateParams,
  LoadModelParams,
  StoredBenchmark,
  ToWorkerMessage,
  WorkerMethods,
  describeIssues,
  parseEvent,
  parseParams,
  parseResult,
} from "../../src-shared/worker-contract.js";

const validGenerate = { prompt: "Once upon a time", seed: 42, temperature: 0.8, maxTokens: 32 };

describe("worker contract", () => {
  it("accepts well-formed params and rejects each kind of bad one with a named field", () => {
    expect(GenerateParams.safeParse(validGenerate).success).toBe(true);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...validGenerate, prompt: "" }, /^prompt: /],
      [{ ...validGenerate, seed: -1 }, /^seed: /],
      [{ ...validGenerate, seed: 1.5 }, /^seed: /],
      [{ ...validGenerate, seed: 2 ** 32 }, /^seed: /],
      [{ ...validGenerate, temperature: -0.1 }, /^temperature: /],
      [{ ...validGenerate, maxTokens: 0 }, /^maxTokens: /],
      [{ ...validGenerate, topP: 0 }, /^topP: /],
      [{ ...validGenerate, stop: [""] }, /^stop\.0: /],
      [{ ...validGenerate, unexpected: true }, /unexpected|Unrecognized/i],
    ];
    for (const [params, pattern] of bad) {
      const r = parseParams("generate", params);
      expect(r.success, JSON.stringify(params)).toBe(false);
      if (!r.success) expect(describeIssues(r.error)).toMatch(pattern);
    }
  });

  it("checks model load params: path required, sha256 is 64 hex digits, gpuLayers a count or auto", () => {
    expect(LoadModelParams.safeParse({ path: "/m.gguf", gpuLayers: "auto", sha256: "a".repeat(64) }).success).toBe(
      true,
    );
    expect(LoadModelParams.safeParse({ path: "" }).success).toBe(false);
    expect(LoadModelParams.safeParse({ path: "/m.gguf", sha256: "xyz" }).success).toBe(false);
    expect(LoadModelParams.safeParse({ path: "/m.gguf", gpuLayers: "max" }).success).toBe(false);
    expect(LoadModelParams.safeParse({ path: "/m.gguf", threads: 0 }).success).toBe(false);
  });

  it("parses every envelope kind and rejects unknown methods and kinds", () => {
    expect(
      ToWorkerMessage.safeParse({ kind: "request", id: 1, method: "generate", params: validGenerate }).success,
    ).toBe(true);
    expect(ToWorkerMessage.safeParse({ kind: "request", id: 1, method: "format-disk", params: {} }).success).toBe(
      false,
    );
    expect(ToWorkerMessage.safeParse({ kind: "cancel", id: 3 }).success).toBe(true);
    expect(ToWorkerMessage.safeParse({ kind: "heartbeat", at: 1 }).success).toBe(true);
    expect(ToWorkerMessage.safeParse({ kind: "shutdown" }).success).toBe(false);
    expect(ToWorkerMessage.safeParse({ kind: "request", id: -1, method: "status", params: {} }).success).toBe(false);

    expect(FromWorkerMessage.safeParse({ kind: "ready", protocol: 1, pid: 10 }).success).toBe(true);
    expect(FromWorkerMessage.safeParse({ kind: "response", id: 1, ok: true, result: { x: 1 } }).success).toBe(true);
    const err = { kind: "response", id: 1, ok: false, error: { code: "CONTEXT_OVERFLOW", message: "too long" } };
    expect(FromWorkerMessage.safeParse(err).success).toBe(true);
    expect(FromWorkerMessage.safeParse({ ...err, error: { code: "NOT_A_CODE", message: "x" } }).success).toBe(false);
    // The envelope accepts any result; parseResult checks it against the method.
    expect(FromWorkerMessage.safeParse({ kind: "response", id: 1, ok: true, result: null }).success).toBe(true);
    expect(FromWorkerMessage.safeParse({ kind: "event", id: 1, event: { text: "a", tokens: 1 } }).success).toBe(true);
  });

  it("checks results and events per method", () => {
    const result = {
      text: "hi",
      tokens: 1,
      finishReason: "length",
      timings: { promptTokens: 3, promptMs: 1, ttftMs: 2, tokensPerSecond: 100, totalMs: 3 },
    };
    expect(parseResult("generate", result).success).toBe(true);
    expect(parseResult("generate", { ...result, finishReason: "bored" }).success).toBe(false);
    expect(parseResult("embed", { vectors: [[0.6, 0.8]], dims: 2 }).success).toBe(true);
    expect(parseEvent("generate", { text: "a", tokens: 2 }).success).toBe(true);
    expect(parseEvent("embed", { text: "a", tokens: 2 }).success).toBe(false); // embed streams nothing
    expect(parseEvent("loadModel", { stage: "load", fraction: 0.5 }).success).toBe(true);
    expect(parseEvent("loadModel", { stage: "load", fraction: 2 }).success).toBe(false);
    expect(parseResult("generate", { ...result, tokenIds: [5] }).success).toBe(true);
    expect(parseResult("generate", { ...result, tokenIds: [-1] }).success).toBe(false);
  });

  it("checks verify params (claimed token ids) and per-position scores", () => {
    expect(parseParams("verify", { prompt: "Once", tokenIds: [1, 2], scoreEnd: true }).success).toBe(true);
    for (const bad of [
      { prompt: "", tokenIds: [1] },
      { prompt: "Once", tokenIds: [] },
      { prompt: "Once", tokenIds: [1.5] },
      { prompt: "Once", tokenIds: [-3] },
    ]) {
      expect(parseParams("verify", bad).success, JSON.stringify(bad)).toBe(false);
    }
    const score = { logProb: -1.2, rank: 0, topLogProb: -1.2 };
    expect(
      parseResult("verify", { positions: [score], end: score, text: "x", promptTokens: 2, evalMs: 1 }).success,
    ).toBe(true);
    expect(
      parseResult("verify", { positions: [{ ...score, rank: -1 }], text: "x", promptTokens: 2, evalMs: 1 }).success,
    ).toBe(false);
  });

  it("describes every method with params, result and event schemas", () => {
    for (const [name, m] of Object.entries(WorkerMethods)) {
      expect(typeof m.params.safeParse, name).toBe("function");
      expect(typeof m.result.safeParse, name).toBe("function");
      expect(typeof m.event.safeParse, name).toBe("function");
    }
    expect(Object.keys(WorkerMethods).sort()).toEqual([
      "benchmark",
      "embed",
      "generate",
      "loadModel",
      "probe",
      "sample",
      "status",
      "unloadModel",
      "verify",
    ]);
  });

  it("stored benchmarks need an ISO timestamp", () => {
    const b = {
      tokensPerSecond: 10,
      ttftMs: 5,
      promptMs: 2,
      rounds: 3,
      threads: 1,
      gpuLayers: 0,
      contextSize: 512,
      modelPath: "/m",
    };
    expect(StoredBenchmark.safeParse({ ...b, at: new Date(0).toISOString() }).success).toBe(true);
    expect(StoredBenchmark.safeParse({ ...b, at: "yesterday" }).success).toBe(false);
  });
});
