import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppSnapshot, type PatchMessage } from "../../src-shared/app-contract.js";
import { applyPatch } from "../../src-shared/json-patch.js";
import { dispatchInvoke } from "../../src-main/session/dispatch.js";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { openSettings } from "../../src-main/settings/store.js";
import type { UpdateBackend, UpdateRelease } from "../../src-main/update/backend.js";
import { sessionGate } from "../../src-main/update/session-gate.js";
import { Updater } from "../../src-main/update/updater.js";
import { withUpdates } from "../../src-main/update/updating-core.js";

/** The session wrapped with its updater: `update` in the snapshot, one revision line, the two methods routed. */
let dir: string;
let inner: MainCore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-update-core-"));
  inner = createMemoryCore({ appVersion: "1.0.0", settings: openSettings({ cwd: dir }) });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const release: UpdateRelease = { version: "1.1.0", files: [], url: "https://feed.example/a", sha512: "x" };

function scripted(): UpdateBackend & { finish(file: string): void; installs: string[] } {
  let finish: (file: string) => void = () => undefined;
  const installs: string[] = [];
  return {
    keepsEarlierDownload: true,
    installs,
    finish: (file) => finish(file),
    check: async () => release,
    download: (_r, onProgress) =>
      new Promise((resolve) => {
        onProgress({ percent: 30, bytesPerSecond: 100, transferred: 3, total: 10 });
        finish = resolve;
      }),
    install: (file) => void installs.push(file),
  };
}

describe("withUpdates", () => {
  it("adds the update view to the snapshot and keeps one gap-free revision line with the session's patches", async () => {
    const backend = scripted();
    const updater = new Updater({ backend, currentVersion: "1.0.0", session: sessionGate(inner) });
    const core = withUpdates(inner, updater);
    const first = core.getSnapshot();
    expect(AppSnapshot.parse(first.snapshot).update).toEqual({ currentVersion: "1.0.0", status: { state: "idle" } });
    const patches: PatchMessage[] = [];
    core.onPatch((p) => patches.push(p));

    await core.checkForUpdate({});
    await core.startMining(); // the session's own patches, between the updater's
    backend.finish("/data/updates/1.1.0/app");
    await updater.settled();
    await core.stopMining({});

    expect(patches.map((p) => p.rev)).toEqual(patches.map((_, i) => first.rev + i + 1));
    let copy = first.snapshot;
    for (const p of patches) copy = applyPatch(copy, p.ops);
    const last = core.getSnapshot();
    expect(last.rev).toBe(patches.at(-1)!.rev);
    expect(copy).toEqual(last.snapshot);
    expect(AppSnapshot.parse(last.snapshot).update).toMatchObject({
      status: { state: "downloaded", version: "1.1.0" },
      ready: { version: "1.1.0" },
    });
    expect(
      patches.some((p) =>
        p.ops.some(
          (op) =>
            op.path === "/update/status/percent" ||
            (op.path === "/update/status" && (op as { value: { percent?: number } }).value.percent === 30),
        ),
      ),
    ).toBe(true);
  });

  it("routes checkForUpdate and installUpdate to the updater through the contract's dispatch", async () => {
    const backend = scripted();
    const updater = new Updater({ backend, currentVersion: "1.0.0", session: sessionGate(inner) });
    const core = withUpdates(inner, updater);
    expect(await dispatchInvoke(core, "checkForUpdate", {})).toMatchObject({
      ok: true,
      result: { status: { state: "downloading", version: "1.1.0" } },
    });
    backend.finish("/data/updates/1.1.0/app");
    await updater.settled();
    expect(await dispatchInvoke(core, "installUpdate", {})).toMatchObject({
      ok: true,
      result: { status: { state: "installing", version: "1.1.0" } },
    });
    await vi.waitFor(() => expect(backend.installs).toEqual(["/data/updates/1.1.0/app"]));
    await core.close();
  });

  it("leaves a core without an updater saying so, with no update in its snapshot", async () => {
    expect(inner.getSnapshot().snapshot.update).toBeUndefined();
    expect(await dispatchInvoke(inner, "checkForUpdate", {})).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND", message: expect.stringMatching(/^this miner has no updater/) },
    });
    expect(await dispatchInvoke(inner, "installUpdate", {})).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });
});
