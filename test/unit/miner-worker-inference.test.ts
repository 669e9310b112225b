import { describe, expect, it } from "vitest";
import { FakeInference } from "../helpers/fake-inference.js";
import { workerSeed } from "../../src-main/miner/inference.js";
import { workerInference } from "../../src-main/miner/worker-inference.js";
import type { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";

describe("workerInference", () => {
  it("passes the task's parameters to the worker's generate and maps its result", async () => {
    const seen: unknown[] = [];
    const supervisor = {
      call: async (method: string, params: unknown, opts: unknown) => {
        seen.push({ method, params, opts });
        return {
          text: "Lily smiled.",
          tokens: 3,
          finishReason: "eos",
          timings: { promptTokens: 4, promptMs: 1, ttftMs: 2, tokensPerSecond: 900, totalMs: 7.5 },
        };
      },
    } as unknown as Pick<WorkerSupervisor, "call">;
    const controller = new AbortController();
    const inference = workerInference(supervisor, { timeoutMs: 9_000 });
    const out = await inference.generate(
      { prompt: "Once", seed: 42, temperature: 0.7, maxTokens: 16 },
      controller.signal,
    );
    expect(out).toEqual({ text: "Lily smiled.", tokens: 3, ms: 7.5 });
    expect(seen).toEqual([
      {
        method: "generate",
        params: { prompt: "Once", seed: 42, temperature: 0.7, maxTokens: 16 },
        opts: { signal: controller.signal, timeoutMs: 9_000 },
      },
    ]);
  });

  it("task seeds keep their low 32 bits", () => {
    expect(workerSeed(42n)).toBe(42);
    expect(workerSeed((1n << 40n) + 7n)).toBe(7);
    expect(workerSeed((1n << 64n) - 1n)).toBe(0xffff_ffff);
  });

  it("the fake is deterministic per request and differs across seeds", async () => {
    const fake = new FakeInference();
    const req = { prompt: "Once upon a time", seed: 1, temperature: 0, maxTokens: 8 };
    const a = await fake.generate(req);
    expect(await fake.generate(req)).toEqual(a);
    expect((await fake.generate({ ...req, seed: 2 })).text).not.toBe(a.text);
    expect(a.tokens).toBe(8);
    expect(fake.calls).toBe(3);
  });
});
