import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LOADING_MODEL_REASON, ModelRest, RELOAD_RETRY_MS } from "../../src-main/models/model-rest.js";
import type { Inference } from "../../src-main/miner/inference.js";

const MIN = 60_000;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A fake worker whose loads and unloads the test settles by hand, and the session's inputs. */
function setup(opts: { minutes?: number } = {}) {
  const world = { resting: true, inFlight: 0, minutes: opts.minutes ?? 10 };
  const calls: string[] = [];
  const pending: { load?: Deferred; unload?: Deferred } = {};
  const changes = vi.fn();
  const rest = new ModelRest({
    minutes: () => world.minutes,
    resting: () => world.resting,
    inFlight: () => world.inFlight,
    unload: () => {
      calls.push("unload");
      pending.unload = deferred();
      return pending.unload.promise;
    },
    load: () => {
      calls.push("load");
      pending.load = deferred();
      return pending.load.promise;
    },
    onChange: changes,
    checkMs: 1_000,
    clock: {
      now: () => Date.now(),
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    },
  });
  rest.start();
  return { world, calls, pending, changes, rest };
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe("ModelRest: the model leaves GPU memory after N minutes of rest", () => {
  it("unloads after N minutes of pause with nothing in flight, not before", async () => {
    const { calls, pending, rest } = setup();
    await vi.advanceTimersByTimeAsync(9 * MIN);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 * MIN + 1_000);
    expect(calls).toEqual(["unload"]);
    expect(rest.loaded).toBe(false);
    pending.unload!.resolve();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    // Still resting: unloaded once, and nothing reloads it.
    expect(calls).toEqual(["unload"]);
    rest.stop();
  });

  it("does not unload while a task is in flight; the rest counts from when the last one ended", async () => {
    const { world, calls, rest } = setup();
    world.inFlight = 1;
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(calls).toEqual([]);
    world.inFlight = 0;
    await vi.advanceTimersByTimeAsync(9 * MIN);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 * MIN + 1_000);
    expect(calls).toEqual(["unload"]);
    rest.stop();
  });

  it("is cancelled when mining resumes before N minutes, and 0 minutes means never", async () => {
    const { world, calls, rest } = setup();
    await vi.advanceTimersByTimeAsync(9 * MIN);
    world.resting = false;
    await vi.advanceTimersByTimeAsync(2_000);
    world.resting = true;
    await vi.advanceTimersByTimeAsync(9 * MIN);
    expect(calls).toEqual([]);
    world.minutes = 0;
    await vi.advanceTimersByTimeAsync(120 * MIN);
    expect(calls).toEqual([]);
    rest.stop();
  });

  it("reloads when mining resumes, holding new work and showing Loading model… until it is back", async () => {
    const { world, calls, pending, changes, rest } = setup({ minutes: 1 });
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    pending.unload!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.loaded).toBe(false);
    // Resting: nothing holds (the gate or the stop already does) and nothing reloads.
    expect(rest.status({ state: "paused", reason: "paused: on battery power" })).toEqual({
      state: "paused",
      reason: "paused: on battery power",
    });
    world.resting = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual(["unload", "load"]);
    expect(changes).toHaveBeenCalledTimes(1);
    expect(rest.holdReason()).toBe(LOADING_MODEL_REASON);
    expect(rest.status({ state: "mining", reason: "Serving m" })).toEqual({
      state: "starting",
      reason: "Loading model…",
    });
    pending.load!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toHaveBeenCalledTimes(2);
    expect(rest.holdReason()).toBeUndefined();
    expect(rest.status({ state: "mining", reason: "Serving m" })).toEqual({ state: "mining", reason: "Serving m" });
    expect(calls).toEqual(["unload", "load"]);
    rest.stop();
  });

  it("asking whether to hold new work starts the reload at once (before the next look)", async () => {
    const { world, calls, pending, rest } = setup({ minutes: 1 });
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    pending.unload!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    rest.stop();
    world.resting = false;
    expect(rest.status({ state: "mining", reason: "Serving m" })).toEqual({
      state: "starting",
      reason: LOADING_MODEL_REASON,
    });
    expect(calls).toEqual(["unload", "load"]);
    expect(rest.holdReason()).toBe(LOADING_MODEL_REASON);
    expect(calls).toEqual(["unload", "load"]);
  });

  it("a generation asked for while unloaded (a creator's step) waits for the reload", async () => {
    const { calls, pending, rest } = setup({ minutes: 1 });
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    const generated: string[] = [];
    const inner: Inference = {
      generate: async (req) => (generated.push(req.prompt), { text: "ok", tokens: 1, ms: 1 }),
    };
    // Asked while the unload is still under way: it waits for it, then loads.
    const answer = rest.wrap(inner).generate({ prompt: "p", seed: 1, temperature: 0, maxTokens: 4 });
    pending.unload!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(["unload", "load"]);
    expect(generated).toEqual([]);
    pending.load!.resolve();
    expect(await answer).toMatchObject({ text: "ok" });
    expect(generated).toEqual(["p"]);
    rest.stop();
  });

  it("a reload that fails says so instead of Loading model…, and is tried again after a while", async () => {
    const { world, calls, pending, rest } = setup({ minutes: 1 });
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    pending.unload!.resolve();
    world.resting = false;
    await vi.advanceTimersByTimeAsync(1_000);
    pending.load!.reject(new Error("out of GPU memory"));
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.holdReason()).toBe("Could not load the model again: out of GPU memory (retrying)");
    await vi.advanceTimersByTimeAsync(RELOAD_RETRY_MS - 2_000);
    expect(calls).toEqual(["unload", "load"]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toEqual(["unload", "load", "load"]);
    pending.load!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.holdReason()).toBeUndefined();
    rest.stop();
  });

  it("a failed unload leaves the model loaded", async () => {
    const { calls, pending, rest } = setup({ minutes: 1 });
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    pending.unload!.reject(new Error("worker busy"));
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.loaded).toBe(true);
    expect(rest.holdReason()).toBeUndefined();
    // The rest counts again from the failure.
    await vi.advanceTimersByTimeAsync(MIN + 1_000);
    expect(calls).toEqual(["unload", "unload"]);
    rest.stop();
  });
});
