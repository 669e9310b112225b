import { get, writable } from "svelte/store";
import { describe, expect, it } from "vitest";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";
import { previewSample } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { frameThrottled } from "../../src-renderer/src/lib/stores/frame-throttle.js";
import { createLogsStore } from "../../src-renderer/src/lib/stores/logs.js";
import { createSamplesStore } from "../../src-renderer/src/lib/stores/samples.js";

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("frameThrottled", () => {
  it("passes the first value at once, then only the latest value once per frame", () => {
    const frames: (() => void)[] = [];
    const source = writable(0);
    const throttled = frameThrottled(source, (run) => frames.push(run));
    const seen: number[] = [];
    const stop = throttled.subscribe((v) => seen.push(v));
    for (let i = 1; i <= 50; i++) source.set(i);
    expect(seen).toEqual([0]);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(seen).toEqual([0, 50]);
    source.set(51);
    frames.shift()!();
    expect(seen).toEqual([0, 50, 51]);
    stop();
  });
});

describe("samples store", () => {
  it("seeds from getSamples, appends pushes in time order and keeps a bounded window", async () => {
    const client = createMemoryClient({ getSamples: () => [previewSample(1), previewSample(2)] });
    const store = createSamplesStore(client, 3);
    const stop = store.connect();
    client.emit("sample", previewSample(3)); // arrives while the seed is in flight
    await flush();
    expect(get(store).map((s) => s.at)).toEqual([1, 2, 3]);
    client.emit("sample", previewSample(3)); // a repeat is not a new reading
    client.emit("sample", previewSample(4));
    expect(get(store).map((s) => s.at)).toEqual([2, 3, 4]);
    stop();
    client.emit("sample", previewSample(5));
    expect(get(store).map((s) => s.at)).toEqual([2, 3, 4]);
  });
});

describe("logs store", () => {
  it("seeds from getLogs, drops a pushed line the seed already had, and keeps the last lines", async () => {
    const line = (at: number, message: string) => ({ at, level: "info" as const, message });
    const client = createMemoryClient({ getLogs: (p) => (p.limit === 3 ? [line(1, "a"), line(2, "b")] : []) });
    const store = createLogsStore(client, 3);
    const stop = store.connect();
    client.emit("log", line(2, "b"));
    client.emit("log", line(3, "c"));
    await flush();
    expect(get(store).map((l) => l.message)).toEqual(["a", "b", "c"]);
    client.emit("log", line(4, "d"));
    expect(get(store).map((l) => l.message)).toEqual(["b", "c", "d"]);
    stop();
  });
});
