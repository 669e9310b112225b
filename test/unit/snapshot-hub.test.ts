import { describe, expect, it } from "vitest";
import type { AppSnapshot, PatchMessage } from "../../src-shared/app-contract.js";
import { SnapshotCopy, SnapshotHub } from "../../src-shared/snapshot-hub.js";

const base = {
  appVersion: "1.0.0",
  mining: { state: "stopped", reason: "idle" },
  network: { name: "devnet", connected: true },
  tasks: [],
  earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
} as unknown as AppSnapshot;

const reason =
  (r: string) =>
  (s: AppSnapshot): AppSnapshot => ({ ...s, mining: { ...s.mining, reason: r } });

describe("SnapshotHub", () => {
  it("numbers each change that changed something, and sends its ops to every listener", () => {
    const hub = new SnapshotHub(base);
    const seen: PatchMessage[] = [];
    hub.subscribe((p) => seen.push(p));
    hub.update(reason("one"));
    hub.update(reason("one"));
    hub.update(reason("two"));
    expect(seen.map((p) => p.rev)).toEqual([1, 2]);
    expect(seen[1]!.ops).toEqual([{ op: "replace", path: "/mining/reason", value: "two" }]);
    expect(hub.message()).toEqual({ rev: 2, snapshot: reason("two")(base) });
  });

  it("takes another hub's patches on as its own revisions (a wrapper's one line)", () => {
    const inner = new SnapshotHub(base);
    const outer = new SnapshotHub({ ...base, appVersion: "wrapped" }, 10);
    inner.subscribe((p) => outer.apply(p.ops));
    const seen: PatchMessage[] = [];
    outer.subscribe((p) => seen.push(p));
    inner.update(reason("inner"));
    outer.update((s) => ({ ...s, network: { ...s.network, connected: false } }));
    inner.update(reason("inner again"));
    expect(seen.map((p) => p.rev)).toEqual([11, 12, 13]);
    expect(outer.current()).toMatchObject({
      appVersion: "wrapped",
      mining: { reason: "inner again" },
      network: { connected: false },
    });
  });
});

describe("SnapshotCopy", () => {
  it("follows a hub: the copy equals the hub's state after every patch", () => {
    const hub = new SnapshotHub(base);
    const copy = new SnapshotCopy();
    expect(copy.take(hub.message())).toBe("applied");
    hub.subscribe((p) => expect(copy.apply(p)).toBe("applied"));
    hub.update(reason("a"));
    hub.update((s) => ({ ...s, tasks: [] }));
    hub.update(reason("b"));
    expect(copy.current()).toEqual(hub.message());
  });

  it("holds patches until the first snapshot, ignores old ones, and is stale after a gap or a bad patch", () => {
    const copy = new SnapshotCopy();
    const set = (rev: number, r: string): PatchMessage => ({
      rev,
      ops: [{ op: "replace", path: "/mining/reason", value: r }],
    });
    expect(copy.apply(set(3, "three"))).toBe("ignored");
    expect(copy.apply(set(2, "two"))).toBe("ignored");
    expect(copy.take({ rev: 1, snapshot: base })).toBe("applied");
    expect(copy.current()).toMatchObject({ rev: 3, snapshot: { mining: { reason: "three" } } });
    expect(copy.take({ rev: 2, snapshot: base })).toBe("ignored");
    expect(copy.apply(set(3, "again"))).toBe("ignored");
    expect(copy.apply(set(5, "gap"))).toBe("stale");
    expect(copy.current()).toBeUndefined();
    expect(copy.take({ rev: 5, snapshot: base })).toBe("applied");
    expect(copy.apply({ rev: 6, ops: [{ op: "remove", path: "/nothing" }] })).toBe("stale");
    expect(copy.current()).toBeUndefined();
  });
});
