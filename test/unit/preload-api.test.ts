import { describe, expect, it, vi } from "vitest";
import { buildPreloadApi, type IpcRendererLike } from "../../src-main/electron/preload-api.js";
import { bridgeFunctionNames, ipcChannels, type PatchMessage } from "../../src-shared/app-contract.js";

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc(answer: unknown = { ok: true, result: { state: "mining", reason: "r" } }) {
  const listeners = new Map<string, Set<Listener>>();
  const invoke = vi.fn(async (_channel: string, ..._args: unknown[]) => answer);
  const ipc: IpcRendererLike = {
    invoke,
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: "ipcRenderer itself" }, payload);
  };
  return { ipc, invoke, emit, listeners };
}

describe("buildPreloadApi", () => {
  it("exposes exactly the contract's functions and nothing else", () => {
    const api = buildPreloadApi(fakeIpc().ipc);
    expect(Object.keys(api).sort()).toEqual([...bridgeFunctionNames].sort());
    for (const name of bridgeFunctionNames)
      expect(typeof (api as unknown as Record<string, unknown>)[name]).toBe("function");
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty("invoke");
    expect(api).not.toHaveProperty("send");
  });

  it("sends validated params on the method's channel and returns main's envelope", async () => {
    const { ipc, invoke } = fakeIpc();
    const api = buildPreloadApi(ipc);
    expect(await api.startMining({})).toEqual({ ok: true, result: { state: "mining", reason: "r" } });
    expect(invoke).toHaveBeenCalledWith(ipcChannels.invoke.startMining, {});
  });

  it("rejects bad params in the renderer without a round trip", async () => {
    const { ipc, invoke } = fakeIpc();
    const api = buildPreloadApi(ipc);
    const answer = await api.updateSettings({ idleMinutes: -1 });
    expect(answer).toMatchObject({ ok: false, error: { code: "INVALID_PARAMS" } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it("turns a malformed answer from main into an INTERNAL error", async () => {
    const api = buildPreloadApi(fakeIpc({ weird: true }).ipc);
    expect(await api.stopMining({})).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
  });

  it("gives listeners only valid payloads, never the IPC event, and unsubscribes", () => {
    const { ipc, emit, listeners } = fakeIpc();
    const api = buildPreloadApi(ipc);
    const got: unknown[][] = [];
    const off = api.onPatch((...args: unknown[]) => got.push(args));
    const patch: PatchMessage = { rev: 1, ops: [{ op: "replace", path: "/mining/state", value: "mining" }] };
    emit(ipcChannels.push.patch, patch);
    emit(ipcChannels.push.patch, { rev: "nope" });
    expect(got).toEqual([[patch]]);
    off();
    emit(ipcChannels.push.patch, patch);
    expect(got).toHaveLength(1);
    expect(listeners.get(ipcChannels.push.patch)?.size).toBe(0);
  });
});
