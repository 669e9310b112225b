import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchInvoke } from "../../src-main/session/dispatch.js";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { isTrustedSender } from "../../src-main/electron/ipc-sender.js";
import { openSettings } from "../../src-main/settings/store.js";
import { AppSnapshot, invokeMethodNames, type PatchMessage } from "../../src-shared/app-contract.js";
import { applyPatch } from "../../src-shared/json-patch.js";

let dir: string;
let core: MainCore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-ipc-"));
  core = createMemoryCore({ appVersion: "9.9.9", settings: openSettings({ cwd: dir }) });
});
afterEach(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("dispatchInvoke", () => {
  it("answers getSnapshot with a valid snapshot at rev 0", async () => {
    const answer = await dispatchInvoke(core, "getSnapshot", {});
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const { rev, snapshot } = answer.result as { rev: number; snapshot: unknown };
    expect(rev).toBe(0);
    expect(AppSnapshot.parse(snapshot)).toMatchObject({ appVersion: "9.9.9", mining: { state: "stopped" } });
  });

  it("refuses unknown methods and bad params with codes, never throwing", async () => {
    expect(await dispatchInvoke(core, "rm -rf", {})).toEqual({
      ok: false,
      error: { code: "NOT_FOUND", message: 'unknown method "rm -rf"' },
    });
    expect(await dispatchInvoke(core, "constructor", {})).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const bad = await dispatchInvoke(core, "startMining", { now: true });
    expect(bad).toMatchObject({ ok: false, error: { code: "INVALID_PARAMS" } });
    const badSetting = await dispatchInvoke(core, "updateSettings", { idleMinutes: "five" });
    expect(badSetting).toMatchObject({ ok: false, error: { code: "INVALID_PARAMS" } });
    if (!badSetting.ok) expect(badSetting.error.message).toMatch(/^updateSettings: idleMinutes/);
  });

  it("streams patches that turn the old snapshot into the new one, in rev order", async () => {
    const start = core.getSnapshot();
    const patches: PatchMessage[] = [];
    core.onPatch((p) => patches.push(p));
    expect(await dispatchInvoke(core, "startMining", {})).toMatchObject({ ok: true, result: { state: "mining" } });
    expect(await dispatchInvoke(core, "updateSettings", { theme: "dark" })).toMatchObject({
      ok: true,
      result: { theme: "dark" },
    });
    expect(await dispatchInvoke(core, "stopMining", {})).toMatchObject({ ok: true, result: { state: "stopped" } });
    expect(patches.map((p) => p.rev)).toEqual([1, 2, 3, 4]);
    const replayed = patches.reduce((doc, p) => applyPatch(doc, p.ops), start.snapshot);
    expect(replayed).toEqual(core.getSnapshot().snapshot);
    expect(core.getSnapshot().rev).toBe(4);
    expect(replayed.settings.theme).toBe("dark");
  });

  it("validates the params of every contract method before the core sees them", async () => {
    // One wrong call per method (an unknown key is refused by every strict schema).
    for (const method of invokeMethodNames) {
      const answer = await dispatchInvoke(core, method, { notAParam: 1 });
      expect(answer, method).toMatchObject({
        ok: false,
        error: { code: "INVALID_PARAMS", message: expect.stringContaining(`${method}:`) },
      });
    }
    const cases: Array<[string, unknown]> = [
      ["createWallet", { password: "short" }],
      ["importWallet", { source: "seed", secret: "x", password: "long enough" }],
      ["estimateAction", { action: "steal" }],
      ["register", { stakeWei: "1.5" }],
      ["topUpStake", {}],
      ["listTasks", { limit: 1000 }],
      ["getLogs", { level: "trace" }],
      ["completeSetupStep", { step: "register" }],
      ["stopMining", { force: "yes" }],
    ];
    for (const [method, params] of cases) {
      expect(await dispatchInvoke(core, method, params), method).toMatchObject({
        ok: false,
        error: { code: "INVALID_PARAMS" },
      });
    }
  });

  it("passes parsed params with defaults applied and answers each method", async () => {
    const created = await dispatchInvoke(core, "createWallet", { password: "correct horse battery" });
    expect(created).toMatchObject({ ok: true, result: { address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) } });
    expect(await dispatchInvoke(core, "unlockWallet", { password: "wrong password" })).toMatchObject({
      ok: false,
      error: { code: "WRONG_PASSWORD" },
    });
    const words = await dispatchInvoke(core, "revealRecoveryPhrase", { password: "correct horse battery" });
    expect(words.ok && (words.result as { words: string[] }).words).toHaveLength(12);
    expect(await dispatchInvoke(core, "revealRecoveryPhrase", { password: "correct horse battery" })).toMatchObject({
      ok: false,
      error: { code: "INVALID_PARAMS" },
    });
    expect(await dispatchInvoke(core, "listTasks", {})).toEqual({ ok: true, result: { total: 0, rows: [] } });
    expect(await dispatchInvoke(core, "getTask", { id: "1#0" })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
    expect(await dispatchInvoke(core, "estimateAction", { action: "register" })).toMatchObject({
      ok: false,
      error: { code: "CHAIN_ERROR" },
    });
    const logs = await dispatchInvoke(core, "getLogs", { level: "info", limit: 1 });
    expect(logs).toMatchObject({ ok: true, result: [{ level: "info", message: expect.stringContaining("wallet") }] });
  });

  it("gives stopMining its force flag, false unless asked", async () => {
    const seen: unknown[] = [];
    const spy: MainCore = { ...core, stopMining: async (params) => (seen.push(params), core.stopMining(params)) };
    await dispatchInvoke(spy, "stopMining", {});
    await dispatchInvoke(spy, "stopMining", { force: true });
    expect(seen).toEqual([{ force: false }, { force: true }]);
  });

  it("says plainly that the in-memory core only simulates mining", async () => {
    const answer = await dispatchInvoke(core, "startMining", {});
    expect(answer).toMatchObject({
      ok: true,
      result: { state: "mining", reason: expect.stringMatching(/simulated/i) },
    });
  });
});

describe("isTrustedSender", () => {
  const rendererDir = path.resolve("/app/dist/renderer");
  const index = pathToFileURL(path.join(rendererDir, "index.html")).href;
  const origin = { rendererDir };

  it("trusts only the top frame of our window showing our page", () => {
    expect(isTrustedSender({ url: index, parent: null }, true, origin)).toBe(true);
    expect(isTrustedSender({ url: index, parent: {} }, true, origin)).toBe(false);
    expect(isTrustedSender({ url: index, parent: null }, false, origin)).toBe(false);
    expect(isTrustedSender({ url: "https://evil.example/", parent: null }, true, origin)).toBe(false);
    expect(isTrustedSender(null, true, origin)).toBe(false);
    expect(isTrustedSender(undefined, true, origin)).toBe(false);
  });
});
