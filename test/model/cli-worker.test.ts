import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchmarkFile } from "../../src-shared/worker-contract.js";
import { CalibrationFile } from "../../src-main/verify/tolerances.js";
import { tinyModels } from "../helpers/tiny-model.js";

// The CLI end to end, as a user runs it, on the project-written tiny models (fresh clone).
const run = promisify(execFile);
const bin = path.resolve("bin/pouw-miner.js");
let dataDir: string;
let model: string;
let meanPool: string;

beforeAll(async () => {
  const m = await tinyModels();
  model = m.model.path;
  meanPool = m.meanPool.path;
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-cli-test-"));
});
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, POUW_DATA_DIR: dataDir },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function resultLine(stdout: string): Record<string, unknown> {
  const lines = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = lines.filter((l) => l.type === "result");
  expect(results).toHaveLength(1);
  expect(lines.at(-1)?.type).toBe("result");
  return results[0] as Record<string, unknown>;
}

describe("pouw-miner CLI with the worker", () => {
  it("infer --json prints one result with text and timings, the same on every run", async () => {
    const args = [
      "infer",
      "--model",
      model,
      "--prompt",
      "Once upon a time",
      "--seed",
      "9",
      "--temperature",
      "0.7",
      "--max-tokens",
      "24",
      "--json",
    ];
    const a = await cli(...args);
    expect(a.code, a.stderr).toBe(0);
    const ra = resultLine(a.stdout);
    expect(ra).toMatchObject({
      tokens: 24,
      finishReason: "length",
      timings: { ttftMs: expect.any(Number), tokensPerSecond: expect.any(Number) },
    });
    expect(typeof ra.text).toBe("string");
    // Without --json the text itself is what stdout carries — the same text, from another process.
    const human = await cli(...args.slice(0, -1));
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`${ra.text as string}\n`);
    expect(human.stderr).toMatch(/24 tokens \(length\), [\d.]+ tokens\/s/);
  });

  it("bad input: one line on stderr and a non-zero exit", async () => {
    const notGguf = path.join(dataDir, "notes.gguf");
    await writeFile(notGguf, "not a model at all, just some text\n".repeat(4));
    const cases: Array<[string[], number, RegExp]> = [
      [["infer", "--model", path.join(dataDir, "missing.gguf"), "--prompt", "x"], 1, /model file not found/],
      [["infer", "--model", notGguf, "--prompt", "x"], 1, /not a GGUF model file/],
      [["infer", "--model", "no-such-model-id", "--prompt", "x"], 1, /unknown model no-such-model-id/],
      [["infer", "--model", model, "--prompt", "x", "--temperature", "hot"], 2, /--temperature must be a number/],
      [["infer", "--model", model], 2, /missing required option --prompt/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(code);
      const lines = r.stderr.split("\n").filter((l) => l.startsWith("pouw-miner:"));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
    const json = await cli("infer", "--model", notGguf, "--prompt", "x", "--json");
    expect(JSON.parse(json.stdout.trim().split("\n").at(-1) as string)).toMatchObject({
      type: "error",
      error: { code: "MODEL_FILE_INVALID" },
    });
  });

  it("embed --json returns one unit vector per text", async () => {
    const r = await cli("embed", "--model", meanPool, "a cat sat", "the dog ran", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = resultLine(r.stdout) as { vectors: number[][]; dims: number };
    expect(out.vectors).toHaveLength(2);
    expect(out.dims).toBeGreaterThan(0);
    for (const v of out.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it("bench worker --json measures the model and stores the result for task admission", async () => {
    const r = await cli("bench", "worker", "--model", model, "--rounds", "2", "--max-tokens", "32", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = resultLine(r.stdout);
    expect(out).toMatchObject({ modelPath: model, rounds: 2, threads: expect.any(Number) });
    expect(out.tokensPerSecond as number).toBeGreaterThan(0);
    const stored = BenchmarkFile.parse(JSON.parse(await readFile(path.join(dataDir, "benchmarks.json"), "utf8")));
    expect(stored.entries.map((e) => e.modelPath)).toContain(model);
  });

  it("verify calibrate --json measures honest runs and adds one entry per model, backend and sampler to the file", async () => {
    const out = path.join(dataDir, "tolerances.json");
    const base = [
      "verify",
      "calibrate",
      "--model",
      model,
      "--runs",
      "3",
      "--max-tokens",
      "16",
      "--threads",
      "1",
      "--out",
      out,
      "--json",
    ];
    const greedy = await cli(...base);
    expect(greedy.code, greedy.stderr).toBe(0);
    expect(resultLine(greedy.stdout)).toMatchObject({
      modelFile: path.basename(model),
      quantization: "F32",
      backend: "cpu",
      temperature: 0,
      sampler: "native",
      runs: 3,
      tokens: 48,
      topK: 1,
      out,
    });
    const seeded = await cli(...base.slice(0, -1), "--temperature", "0.8", "--sampler", "seeded", "--json");
    expect(seeded.code, seeded.stderr).toBe(0);
    const file = CalibrationFile.parse(JSON.parse(await readFile(out, "utf8")));
    expect(file.entries.map((e) => [e.temperature, e.sampler])).toEqual([
      [0, "native"],
      [0.8, "seeded"],
    ]);
    const bad = await cli("verify", "calibrate", "--model", model, "--sampler", "magic");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sampler must be native or seeded/);
  });

  it("probe --json and models --json describe this machine and what fits it", async () => {
    const probe = await cli("probe", "--json");
    expect(probe.code, probe.stderr).toBe(0);
    const p = resultLine(probe.stdout) as { backend: string; cpu: { logicalCores: number } };
    expect(["cuda", "vulkan", "metal", "cpu"]).toContain(p.backend);
    expect(p.cpu.logicalCores).toBe(os.availableParallelism());
    const models = await cli("models", "--json");
    expect(models.code, models.stderr).toBe(0);
    const m = resultLine(models.stdout) as { models: Array<{ id: string; fit: string }> };
    expect(m.models.length).toBeGreaterThan(0);
    for (const row of m.models) expect(["gpu", "partial", "cpu", "too-large"]).toContain(row.fit);
  });
});
