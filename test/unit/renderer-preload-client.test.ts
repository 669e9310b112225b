import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchInvoke } from "../../src-main/session/dispatch.js";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { buildPreloadApi, type IpcRendererLike } from "../../src-main/electron/preload-api.js";
import { openSettings } from "../../src-main/settings/store.js";
import { ipcChannels, type PatchMessage } from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import { createPreloadClient } from "../../src-renderer/src/lib/client/preload-client.js";

/**
 * The whole renderer → main path without Electron: preload client → preload bridge → (IPC, here a
 * direct call) → dispatchInvoke → in-memory core, and patches back the other way.
 */
let dir: string;
let core: MainCore;
let ipc: IpcRendererLike;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-client-"));
  core = createMemoryCore({ appVersion: "2.0.0", settings: openSettings({ cwd: dir }) });
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  core.onPatch((patch) => {
    for (const l of listeners.get(ipcChannels.push.patch) ?? []) l({}, structuredClone(patch));
  });
  const methodOf = new Map<string, string>(Object.entries(ipcChannels.invoke).map(([m, c]) => [c, m]));
  ipc = {
    invoke: (channel, params) => dispatchInvoke(core, methodOf.get(channel), structuredClone(params)),
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
});
afterEach(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("createPreloadClient", () => {
  it("invokes through the bridge and returns main's result", async () => {
    const client = createPreloadClient(buildPreloadApi(ipc));
    const { rev, snapshot } = await client.invoke("getSnapshot", {});
    expect(rev).toBe(0);
    expect(snapshot.appVersion).toBe("2.0.0");
    expect(await client.invoke("updateSettings", { idleOnly: true })).toMatchObject({ idleOnly: true });
  });

  it("rejects with a PouwError that keeps main's code", async () => {
    const client = createPreloadClient(buildPreloadApi(ipc));
    const error = await client.invoke("updateSettings", { idleMinutes: 0 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PouwError);
    expect(error).toMatchObject({ code: "INVALID_PARAMS" });
  });

  it("delivers patches to subscribers until they unsubscribe", async () => {
    const client = createPreloadClient(buildPreloadApi(ipc));
    const got: PatchMessage[] = [];
    const off = client.subscribe("patch", (p) => got.push(p));
    await client.invoke("startMining", {});
    expect(got.map((p) => p.rev)).toEqual([1, 2]);
    off();
    await client.invoke("stopMining", {});
    expect(got).toHaveLength(2);
  });

  it("explains a missing bridge instead of failing obscurely", async () => {
    const client = createPreloadClient(undefined);
    await expect(client.invoke("getSnapshot", {})).rejects.toThrow(/window\.pouw is missing/);
    expect(typeof client.subscribe("patch", () => {})).toBe("function");
  });
});
