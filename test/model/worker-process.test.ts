import { copyFile, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PouwError } from "../../src-shared/errors.js";
import { ensureBenchmark } from "../../src-main/worker-client/first-run-benchmark.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { tinyModels } from "../helpers/tiny-model.js";

// Runs the real worker process on the project-written tiny model: works on a fresh clone.
const gen = { prompt: "Once upon a time", seed: 7, temperature: 0.8, maxTokens: 40 };
let worker: WorkerSupervisor;
let modelPath: string;
let modelSha: string;
let dir: string;

beforeAll(async () => {
  const { model } = await tinyModels();
  modelPath = model.path;
  modelSha = model.sha256;
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-worker-test-"));
  worker = new WorkerSupervisor({ restartInitialDelayMs: 50 });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("worker process (tiny model)", () => {
  it("loads a model once: the same file and settings again is a no-op", async () => {
    const first = await worker.call("loadModel", { path: modelPath, sha256: modelSha });
    expect(first.model).toMatchObject({ path: modelPath, architecture: "llama", backend: expect.any(String) });
    expect(first.model.threads).toBeGreaterThanOrEqual(1);
    const again = await worker.call("loadModel", { path: modelPath });
    expect(again.reused).toBe(true);
    expect((await worker.call("status", {})).model?.path).toBe(modelPath);
  });

  it("generates deterministically, streams chunks that add up to the text, and reports timings", async () => {
    const chunks: string[] = [];
    const a = await worker.call("generate", gen, { onEvent: (c) => chunks.push(c.text) });
    const b = await worker.call("generate", gen);
    expect(a.text.length).toBeGreaterThan(0);
    expect(b.text).toBe(a.text);
    expect(chunks.join("")).toBe(a.text);
    expect(chunks.length).toBeLessThan(a.tokens); // throttled, not one message per token
    expect(a).toMatchObject({ tokens: 40, finishReason: "length" });
    expect(a.timings.ttftMs).toBeGreaterThan(0);
    expect(a.timings.tokensPerSecond).toBeGreaterThan(0);
    expect(a.timings.promptTokens).toBeGreaterThan(1);
    const other = await worker.call("generate", { ...gen, seed: 8 });
    expect(other.text).not.toBe(a.text);
  });

  it("stops at a stop sequence", async () => {
    const full = await worker.call("generate", gen);
    // A character first seen well into the text, so there is something before it to keep.
    const index = [...full.text].findIndex((ch, i) => i >= 5 && ch.trim() !== "" && full.text.indexOf(ch) === i);
    expect(index).toBeGreaterThan(0);
    const stopAt = full.text.charAt(index);
    const stopped = await worker.call("generate", { ...gen, stop: [stopAt] });
    expect(stopped.finishReason).toBe("stop");
    // node-llama-cpp drops the rest of the token holding the trigger, so compare up to whitespace.
    expect(stopped.text.trimEnd()).toBe(full.text.slice(0, index).trimEnd());
    expect(stopped.text).not.toContain(stopAt);
  });

  it("answers bad input with typed errors and stays up", async () => {
    const pid = worker.pid;
    const notGguf = path.join(dir, "notes.gguf");
    await writeFile(notGguf, "this is not a model\n".repeat(10));
    const truncated = path.join(dir, "truncated.gguf");
    const bytes = await import("node:fs/promises").then((fs) => fs.readFile(modelPath));
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // A sparse file: a valid header, and a size beyond this machine's memory.
    const huge = path.join(dir, "huge.gguf");
    await copyFile(modelPath, huge);
    const handle = await open(huge, "r+");
    await handle.truncate(os.totalmem() + 2 ** 30);
    await handle.close();

    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => worker.call("loadModel", { path: path.join(dir, "missing.gguf") }), "MODEL_FILE_MISSING"],
      [() => worker.call("loadModel", { path: notGguf }), "MODEL_FILE_INVALID"],
      [() => worker.call("loadModel", { path: truncated }), "MODEL_FILE_INVALID"],
      [() => worker.call("loadModel", { path: huge }), "MODEL_TOO_LARGE"],
      [
        () => worker.call("loadModel", { path: modelPath, contextSize: 64, sha256: "0".repeat(64) }),
        "CHECKSUM_MISMATCH",
      ],
      [() => worker.call("generate", { ...gen, temperature: -1 }), "INVALID_PARAMS"],
    ];
    for (const [call, code] of cases) {
      const err = (await call().catch((e: unknown) => e)) as PouwError;
      expect(err.code, err.message).toBe(code);
      expect(err.message).not.toContain("\n");
    }
    expect(worker.pid).toBe(pid);
    // A failed load leaves the loaded model alone where it failed before unloading, or none at all;
    // either way the next load and generation work.
    const small = await worker.call("loadModel", { path: modelPath, contextSize: 64 });
    // llama.cpp rounds the context up (to 256 here), so the prompt is sized from what it reports.
    const prompt = "Once upon a time ".repeat(small.model.contextSize);
    const long = await worker.call("generate", { ...gen, prompt }).catch((e: unknown) => e);
    expect((long as PouwError).code).toBe("CONTEXT_OVERFLOW");
    expect((long as PouwError).message).toMatch(new RegExp(`context holds ${small.model.contextSize}`));
    await worker.call("loadModel", { path: modelPath });
    expect((await worker.call("generate", gen)).tokens).toBe(40);
    expect(worker.pid).toBe(pid);
  });

  it("cancels a generation and serves the next one", async () => {
    const controller = new AbortController();
    const long = worker.call(
      "generate",
      { ...gen, maxTokens: 2000 },
      { signal: controller.signal, onEvent: () => controller.abort() },
    );
    await expect(long).rejects.toMatchObject({ code: "CANCELLED" });
    expect((await worker.call("generate", gen)).tokens).toBe(40);
  });

  it("benchmarks a model on first use, stores it, and reuses the stored result after that", async () => {
    const loaded = await worker.call("loadModel", { path: modelPath });
    const file = path.join(dir, "benchmarks.json");
    const first = await ensureBenchmark(worker, loaded, { file });
    expect(first).toMatchObject({ modelPath, threads: loaded.model.threads, gpuLayers: loaded.model.gpuLayers });
    expect(first.tokensPerSecond).toBeGreaterThan(0);
    expect(first.ttftMs).toBeGreaterThan(0);
    const again = await ensureBenchmark(worker, loaded, { file });
    expect(again).toEqual(first); // read back, not measured again (same timestamp)
  });

  it("after kill -9 mid-generation: the call fails clearly, the worker is back and serves the next request", async () => {
    const expected = (await worker.call("generate", gen)).text;
    const oldPid = worker.pid as number;
    const restarted = new Promise<{ pid: number }>((resolve) => worker.once("restarted", resolve));
    let killed = false;
    const doomed = worker.call(
      "generate",
      { ...gen, maxTokens: 2000 },
      {
        onEvent: () => {
          if (killed) return;
          killed = true;
          process.kill(oldPid, "SIGKILL");
        },
      },
    );
    const err = (await doomed.catch((e: unknown) => e)) as PouwError;
    expect(err.code).toBe("WORKER_CRASHED");
    expect(err.message).toMatch(/killed by SIGKILL.*generate did not finish/);
    const { pid } = await restarted;
    expect(pid).not.toBe(oldPid);
    // The model that was loaded is loaded again, so the next task just works — with the same output.
    expect((await worker.call("generate", gen)).text).toBe(expected);
  });
});
