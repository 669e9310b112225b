import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import type { SnapshotMessage } from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";
import { createAppState, type AppState } from "../../src-renderer/src/lib/stores/app-state.js";

const base = previewSnapshot({ appVersion: "1.0.0", mining: { state: "stopped", reason: "idle" } });
const setReason = (rev: number, reason: string) => ({
  rev,
  ops: [{ op: "replace" as const, path: "/mining/reason", value: reason }],
});
const ready = (state: AppState) => {
  if (state.status !== "ready") throw new Error(`expected ready, got ${state.status}`);
  return state;
};
const flush = () => new Promise((r) => setTimeout(r, 0));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createAppState", () => {
  it("is loading until the snapshot arrives, then applies patches in order", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 5, snapshot: base }) });
    const store = createAppState(client);
    expect(get(store)).toEqual({ status: "loading" });
    const stop = store.connect();
    await flush();
    expect(ready(get(store)).rev).toBe(5);
    client.emit("patch", setReason(6, "six"));
    client.emit("patch", setReason(5, "stale, ignored"));
    expect(ready(get(store))).toMatchObject({ rev: 6, snapshot: { mining: { reason: "six" } } });
    stop();
    client.emit("patch", setReason(7, "after stop"));
    expect(ready(get(store)).rev).toBe(6);
  });

  it("holds patches that arrive before the snapshot and replays the newer ones", async () => {
    const snap = deferred<SnapshotMessage>();
    const client = createMemoryClient({ getSnapshot: () => snap.promise });
    const store = createAppState(client);
    store.connect();
    client.emit("patch", setReason(1, "already in snapshot"));
    client.emit("patch", setReason(3, "three"));
    client.emit("patch", setReason(2, "two"));
    expect(get(store)).toEqual({ status: "loading" });
    snap.resolve({ rev: 1, snapshot: base });
    await flush();
    expect(ready(get(store))).toMatchObject({ rev: 3, snapshot: { mining: { reason: "three" } } });
  });

  it("asks for a fresh snapshot after a gap or a patch that does not apply", async () => {
    let served = 0;
    const client = createMemoryClient({
      getSnapshot: () => {
        served += 1;
        return { rev: served === 1 ? 0 : 10, snapshot: { ...base, appVersion: `v${served}` } };
      },
    });
    const store = createAppState(client);
    store.connect();
    await flush();
    client.emit("patch", setReason(2, "gap"));
    await flush();
    expect(served).toBe(2);
    expect(ready(get(store))).toMatchObject({ rev: 10, snapshot: { appVersion: "v2", mining: { reason: "idle" } } });
    client.emit("patch", { rev: 11, ops: [{ op: "remove", path: "/nope" }] });
    await flush();
    expect(served).toBe(3);
    expect(ready(get(store)).snapshot.appVersion).toBe("v3");
  });

  it("reports a failed first fetch as an error with its code", async () => {
    const client = createMemoryClient({
      getSnapshot: () => {
        throw new PouwError("WORKER_UNAVAILABLE", "core down");
      },
    });
    const store = createAppState(client);
    store.connect();
    await flush();
    expect(get(store)).toEqual({ status: "error", error: { code: "WORKER_UNAVAILABLE", message: "core down" } });
  });

  it("takes a pushed snapshot unless it is older than what it has", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 4, snapshot: base }) });
    const store = createAppState(client);
    store.connect();
    await flush();
    client.emit("snapshot", { rev: 2, snapshot: { ...base, appVersion: "old" } });
    expect(ready(get(store)).snapshot.appVersion).toBe("1.0.0");
    client.emit("snapshot", { rev: 9, snapshot: { ...base, appVersion: "new" } });
    expect(ready(get(store))).toMatchObject({ rev: 9, snapshot: { appVersion: "new" } });
  });
});
