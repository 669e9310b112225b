import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SessionState } from "../../src-main/session/session-state.js";
import { SetupProgress } from "../../src-main/session/setup-state.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { AppSnapshot } from "../../src-shared/app-contract.js";

/**
 * An action answers after `refresh()`, and the dashboard reads its effect from the snapshot at
 * once: a refresh already running when the action asks may have read the chain before the action's
 * transaction, so the answer must wait for a run that starts after the call.
 */
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function stateReading(
  blocks: Array<Promise<number>>,
): Promise<{ state: SessionState; hub: SnapshotHub; reads: () => number }> {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-refresh-"));
  const hub = new SnapshotHub({ network: { name: "devnet", connected: true } } as unknown as AppSnapshot);
  let reads = 0;
  // Only what a refresh with no wallet and no model touches; the rest is never reached.
  const deps = {
    hub,
    settings: { get: () => ({}) },
    progress: await SetupProgress.open(dir),
    wallet: { signer: undefined, state: "none", address: async () => undefined },
    net: { provider: { getBlockNumber: () => blocks[reads++] ?? Promise.resolve(-1) } },
    models: {},
    log: () => undefined,
    benchmarkFile: path.join(dir, "benchmarks.json"),
    report: () => undefined,
  };
  return {
    state: new SessionState(deps as unknown as ConstructorParameters<typeof SessionState>[0]),
    hub,
    reads: () => reads,
  };
}

describe("SessionState.refresh", () => {
  it("answers a call made during a run only after a run that started later", async () => {
    const first = deferred<number>();
    const second = deferred<number>();
    const { state, hub, reads } = await stateReading([first.promise, second.promise]);
    const running = state.refresh();
    const asked = state.refresh();
    const alsoAsked = state.refresh();
    let answered = false;
    void asked.then(() => (answered = true));
    first.resolve(1);
    await running;
    await new Promise((r) => setTimeout(r, 20));
    // The first run is over, but it read the chain before the call: no answer yet.
    expect(hub.current().network.blockNumber).toBe(1);
    expect(answered).toBe(false);
    second.resolve(2);
    await asked;
    expect(hub.current().network.blockNumber).toBe(2);
    await alsoAsked;
    // Calls made while one run is going share the one run after it.
    expect(reads()).toBe(2);
  });

  it("runs at once when nothing is running", async () => {
    const { state, hub, reads } = await stateReading([Promise.resolve(7)]);
    await state.refresh();
    expect(hub.current().network.blockNumber).toBe(7);
    expect(reads()).toBe(1);
  });
});
