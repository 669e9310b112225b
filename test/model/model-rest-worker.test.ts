import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelWorker, type ModelWorker } from "../../src-main/models/model-inference.js";
import { ModelRest } from "../../src-main/models/model-rest.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { tinyModelPath } from "../helpers/tiny-model.js";

// ModelRest over the real worker process and the project-written tiny model: the unload frees the
// worker's model, and a reload (on resume, or for a generation) brings the same one back.
let supervisor: WorkerSupervisor;
let miner: ModelWorker;
let dir: string;
let now = 0;
const world = { resting: true };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-model-rest-"));
  supervisor = new WorkerSupervisor();
  miner = await startModelWorker({
    modelPath: await tinyModelPath(),
    threads: 1,
    benchmarkFile: path.join(dir, "benchmarks.json"),
    supervisor,
  });
}, 120_000);
afterAll(async () => {
  await supervisor?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const loadedModel = async () => (await supervisor.call("status", {})).model?.path;
const until = async (what: string, check: () => Promise<boolean> | boolean) => {
  const end = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("ModelRest with the real worker", () => {
  it("unloads after the rest, reloads on resume, and a generation while unloaded loads it first", async () => {
    const rest = new ModelRest({
      minutes: () => 1,
      resting: () => world.resting,
      inFlight: () => 0,
      unload: miner.unload,
      load: miner.reload,
      checkMs: 20,
      // Real timers for the looks, a clock the test moves for the minutes.
      clock: {
        now: () => now,
        setInterval: (fn, ms) => setInterval(fn, ms),
        clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
      },
    });
    const inference = rest.wrap(miner.inference);
    const modelPath = await tinyModelPath();
    expect(await loadedModel()).toBe(modelPath);
    rest.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      now += 61_000;
      await until("the unload", async () => (await loadedModel()) === undefined && !rest.loaded);

      world.resting = false;
      await until("the reload on resume", async () => rest.loaded && (await loadedModel()) === modelPath);
      const first = await inference.generate({ prompt: "Once upon a time", seed: 3, temperature: 0, maxTokens: 8 });
      expect(first.tokens).toBe(8);

      world.resting = true;
      await new Promise((r) => setTimeout(r, 100));
      now += 61_000;
      await until("the second unload", async () => (await loadedModel()) === undefined);
      // A creator's step while paused: the generation waits for the model, then gives the same answer.
      const again = await inference.generate({ prompt: "Once upon a time", seed: 3, temperature: 0, maxTokens: 8 });
      expect(again.text).toBe(first.text);
      expect(await loadedModel()).toBe(modelPath);
    } finally {
      rest.stop();
    }
  }, 120_000);
});
