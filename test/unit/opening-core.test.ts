import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppSnapshot, SnapshotMessage, type PatchMessage } from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import { applyPatch } from "../../src-shared/json-patch.js";
import { dispatchInvoke } from "../../src-main/session/dispatch.js";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import { openingCore } from "../../src-main/session/opening-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { openSettings } from "../../src-main/settings/store.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-opening-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A client's copy kept the way the renderer keeps it: snapshot, then patches strictly in rev order. */
function follower(core: MainCore) {
  let copy = core.getSnapshot();
  const gaps: number[] = [];
  core.onPatch((p: PatchMessage) => {
    if (p.rev !== copy.rev + 1) gaps.push(p.rev);
    else copy = { rev: p.rev, snapshot: applyPatch(copy.snapshot, p.ops) };
  });
  return { copy: () => copy, gaps };
}

describe("openingCore: a core that answers while the real one opens", () => {
  it("answers a valid starting snapshot at once, shows each stage, and invokes wait for the core", async () => {
    const gate = deferred<void>();
    let stageFn!: (reason: string) => void;
    const real = createMemoryCore({ appVersion: "1.2.3", settings: openSettings({ cwd: path.join(dir, "a") }) });
    const core = openingCore({ appVersion: "1.2.3", networkName: "devnet" }, async (stage) => {
      stageFn = stage;
      stage("Starting the local network…");
      await gate.promise;
      return real;
    });
    const seen = follower(core);
    await new Promise((r) => setImmediate(r));
    const first = SnapshotMessage.parse(core.getSnapshot());
    expect(first.snapshot.mining).toEqual({ state: "starting", reason: "Starting the local network…" });
    expect(first.snapshot.network).toEqual({ name: "devnet", connected: false });
    expect(await dispatchInvoke(core, "getSnapshot", {})).toMatchObject({
      ok: true,
      result: { snapshot: { mining: { state: "starting" } } },
    });

    stageFn("Unlocking the wallet…");
    expect(core.getSnapshot().snapshot.mining.reason).toBe("Unlocking the wallet…");

    let started = false;
    const start = dispatchInvoke(core, "startMining", {}).then((r) => ((started = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(false);

    gate.resolve();
    expect(await start).toMatchObject({ ok: true, result: { state: "mining" } });
    // One revision line: the follower's copy equals the real core's state with no gap, and keeps up.
    await real.stopMining();
    expect(seen.gaps).toEqual([]);
    expect(AppSnapshot.parse(seen.copy().snapshot)).toEqual(real.getSnapshot().snapshot);
    expect(core.getSnapshot()).toEqual(seen.copy());
    expect(core.getSnapshot().rev).toBeGreaterThan(first.rev);
    await core.close();
  });

  it("a core that cannot open: error state on one line, every invoke answers the failure", async () => {
    const core = openingCore({ appVersion: "1.2.3", networkName: "devnet" }, async () => {
      throw new PouwError("WRONG_PASSWORD", "wrong wallet password");
    });
    await expect(core.opened).rejects.toThrow("wrong wallet password");
    expect(core.getSnapshot().snapshot.mining).toEqual({
      state: "error",
      reason: "the miner did not start: wrong wallet password",
    });
    expect(await dispatchInvoke(core, "listModels", {})).toEqual({
      ok: false,
      error: { code: "WRONG_PASSWORD", message: "the miner did not start: wrong wallet password" },
    });
    await core.close();
  });
});
