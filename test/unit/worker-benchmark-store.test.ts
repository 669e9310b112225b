import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  canFinishInTime,
  estimateTaskMs,
  latestBenchmark,
  readBenchmarks,
  saveBenchmark,
} from "../../src-main/worker-client/benchmark-store.js";
import type { BenchmarkResult } from "../../src-shared/worker-contract.js";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-bench-store-"));
  file = path.join(dir, "benchmarks.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const result = (over: Partial<BenchmarkResult> = {}): BenchmarkResult => ({
  tokensPerSecond: 50,
  ttftMs: 200,
  promptMs: 100,
  rounds: 3,
  threads: 1,
  gpuLayers: 0,
  contextSize: 2048,
  modelPath: "/models/a.gguf",
  ...over,
});

describe("benchmark store", () => {
  it("reads nothing from a missing or corrupt file", async () => {
    expect(await readBenchmarks(file)).toEqual([]);
    await writeFile(file, "{not json");
    expect(await readBenchmarks(file)).toEqual([]);
    await writeFile(file, JSON.stringify({ version: 1, entries: [{ tokensPerSecond: "fast" }] }));
    expect(await readBenchmarks(file)).toEqual([]);
  });

  it("keeps one entry per model and settings, newest wins, and finds the latest per model", async () => {
    await saveBenchmark(result({ tokensPerSecond: 10 }), { at: new Date("2026-01-01T00:00:00Z") }, file);
    await saveBenchmark(result({ tokensPerSecond: 20 }), { at: new Date("2026-01-02T00:00:00Z") }, file);
    await saveBenchmark(
      result({ threads: 2, tokensPerSecond: 5 }),
      { at: new Date("2026-01-03T00:00:00Z"), modelSha256: "ab".repeat(32) },
      file,
    );
    await saveBenchmark(result({ modelPath: "/models/b.gguf" }), {}, file);
    const all = await readBenchmarks(file);
    expect(all).toHaveLength(3);
    expect(all.find((e) => e.modelPath === "/models/a.gguf" && e.threads === 1)?.tokensPerSecond).toBe(20);
    const latest = await latestBenchmark("/models/a.gguf", file);
    expect(latest).toMatchObject({ threads: 2, modelSha256: "ab".repeat(32), at: "2026-01-03T00:00:00.000Z" });
    expect(JSON.parse(await readFile(file, "utf8")).version).toBe(1);
    expect(await latestBenchmark("/models/none.gguf", file)).toBeUndefined();
  });

  it("admits a task only when the benchmark says it finishes before the deadline", () => {
    const bench = { ...result(), at: new Date().toISOString() };
    // 200 ms first token + 100 tokens at 50 tok/s = 2.2 s, ×1.5 safety = 3.3 s
    expect(estimateTaskMs(bench, 100)).toBeCloseTo(3300, 6);
    expect(canFinishInTime(bench, 100, 4000)).toBe(true);
    expect(canFinishInTime(bench, 100, 3000)).toBe(false);
    expect(canFinishInTime(undefined, 1, 1e9)).toBe(false);
    expect(estimateTaskMs({ tokensPerSecond: 0, ttftMs: 1 }, 10)).toBe(Number.POSITIVE_INFINITY);
  });
});
