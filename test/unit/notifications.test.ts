import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppSnapshot, PatchMessage, TaskSummary } from "../../src-shared/app-contract.js";
import type { TaskState } from "../../src-shared/pouw-states.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import { appSnapshot } from "../helpers/app-snapshot.js";
import { type Notice, Notifier, formatAmount, watchForNotices } from "../../src-main/desktop/notifier.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";

const E18 = 10n ** 18n;
const pouw = (tenths: number) => ((BigInt(tenths) * E18) / 10n).toString();
const ADDRESS = "0x" + "3".repeat(40);

const snapshot = appSnapshot;
const task = (id: string, stage: TaskState, rewardTenths = 0): TaskSummary => ({
  id,
  stage,
  modelId: "0x01",
  updatedAt: 1,
  kind: "user",
  states: [],
  rewardWei: pouw(rewardTenths),
});
const wallet = (nativeWei: string) => ({
  address: ADDRESS,
  nativeWei,
  tokenWei: "0",
  stakeWei: "0",
  claimableWei: "0",
  backedUp: true,
  updatedAt: 1,
});
const registration = { registered: true, stakeWei: "1", minStakeWei: "1", models: [], speed: 1 };

/** A core made of the real snapshot hub: every change becomes the patch the app would send. */
function hubCore(initial: AppSnapshot) {
  const hub = new SnapshotHub(initial);
  return {
    hub,
    core: { getSnapshot: () => hub.message(), onPatch: (l: (p: PatchMessage) => void) => hub.subscribe(l) },
  };
}

let shown: Notice[];
let stop: (() => void) | undefined;
beforeEach(() => {
  shown = [];
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  stop?.();
  stop = undefined;
  vi.useRealTimers();
});
const watch = (initial: AppSnapshot) => {
  const { hub, core } = hubCore(initial);
  stop = watchForNotices(core, { show: (n) => shown.push(n) });
  return hub;
};

describe("notifier", () => {
  it("starts from the snapshot: old rewards and an old error are not news, a new reward is", () => {
    const hub = watch(
      snapshot({ mining: { state: "error", reason: "old" }, tasks: [task("1#0", "End", 15), task("2#0", "Commit")] }),
    );
    hub.update((s) => ({ ...s, mining: { state: "error", reason: "still old" } }));
    expect(shown).toEqual([]);
    hub.update((s) => ({ ...s, tasks: [task("1#0", "End", 15), task("2#0", "End", 22)] }));
    expect(shown).toEqual([{ kind: "reward", title: "Reward credited", body: "A task earned 2.2 POUW" }]);
  });

  it("treats a task first seen already ended as history (the miner's records loading after a restart)", () => {
    const hub = watch(snapshot());
    hub.update((s) => ({ ...s, tasks: [task("7#0", "End", 30), task("8#1", "End", 10)] }));
    expect(shown).toEqual([]);
  });

  it("tells a reward once, even when later patches repeat the same task", () => {
    const hub = watch(snapshot({ tasks: [task("3#0", "Commit")] }));
    hub.update((s) => ({ ...s, tasks: [task("3#0", "End", 10)] }));
    hub.update((s) => ({ ...s, tasks: [{ ...task("3#0", "End", 10), updatedAt: 2 }] }));
    hub.update((s) => ({ ...s, earnings: { ...s.earnings, totalWei: "5" } }));
    expect(shown.map((n) => n.body)).toEqual(["A task earned 1 POUW"]);
  });

  it("coalesces a burst of rewards into one notice a minute", () => {
    const ids = ["a#0", "b#0", "c#0", "d#0"];
    const hub = watch(snapshot({ tasks: ids.map((id) => task(id, "Start")) }));
    const end = (id: string, tenths: number) =>
      hub.update((s) => ({ ...s, tasks: s.tasks.map((t) => (t.id === id ? task(id, "End", tenths) : t)) }));
    end("a#0", 10);
    expect(shown.map((n) => n.body)).toEqual(["A task earned 1 POUW"]);
    vi.advanceTimersByTime(10_000);
    end("b#0", 76);
    end("c#0", 76);
    end("d#0", 76);
    vi.advanceTimersByTime(49_000);
    expect(shown).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(shown.map((n) => n.body)).toEqual(["A task earned 1 POUW", "3 tasks earned 22.8 POUW"]);
    vi.advanceTimersByTime(120_000);
    expect(shown).toHaveLength(2);
  });

  it("tells when mining enters the error state, with its reason, once per entry", () => {
    const hub = watch(snapshot());
    const mining = (state: AppSnapshot["mining"]["state"], reason: string) =>
      hub.update((s) => ({ ...s, mining: { state, reason } }));
    mining("error", "Could not start mining: worker crashed");
    mining("error", "Could not start mining: worker crashed again");
    mining("starting", "Catching up with the chain");
    mining("error", "Could not start mining: chain unreachable");
    expect(shown).toEqual([
      { kind: "error", title: "Mining error", body: "Could not start mining: worker crashed" },
      { kind: "error", title: "Mining error", body: "Could not start mining: chain unreachable" },
    ]);
  });

  it("tells a registered miner once when its gas money runs low, again after a top-up runs out", () => {
    const hub = watch(snapshot({ wallet: wallet((10n * E18).toString()), registration }));
    const native = (v: bigint) => hub.update((s) => ({ ...s, wallet: wallet(v.toString()) }));
    native(E18 / 200n);
    native(E18 / 400n);
    native(E18);
    native(0n);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toEqual({
      kind: "wallet",
      title: "Wallet needs gas money",
      body: `It holds 0.005 ETH; task transactions may fail. Add ETH to ${ADDRESS}.`,
    });
    expect(shown[1]?.body).toMatch(/^It holds 0 ETH;/);
  });

  it("says nothing about an empty wallet before registering, nor about one already low at start", () => {
    const unregistered = watch(snapshot({ wallet: wallet((10n * E18).toString()) }));
    unregistered.update((s) => ({ ...s, wallet: wallet("0") }));
    stop?.();
    const lowAtStart = watch(snapshot({ wallet: wallet("0"), registration }));
    lowAtStart.update((s) => ({ ...s, wallet: wallet("1") }));
    expect(shown).toEqual([]);
  });

  it("shows nothing while notifications are off, and saves nothing up for later", () => {
    const off = { ...defaultSettings(), notifications: false };
    const hub = watch(snapshot({ settings: off, tasks: [task("1#0", "Commit"), task("2#0", "Commit")] }));
    hub.update((s) => ({
      ...s,
      tasks: [task("1#0", "End", 10), task("2#0", "Commit")],
      mining: { state: "error", reason: "x" },
    }));
    hub.update((s) => ({ ...s, settings: defaultSettings() }));
    expect(shown).toEqual([]);
    hub.update((s) => ({ ...s, tasks: [task("1#0", "End", 10), task("2#0", "End", 5)] }));
    expect(shown.map((n) => n.body)).toEqual(["A task earned 0.5 POUW"]);
  });

  it("drops a reward waiting for its minute when notifications are turned off meanwhile", () => {
    const hub = watch(snapshot({ tasks: [task("1#0", "Commit"), task("2#0", "Commit")] }));
    hub.update((s) => ({ ...s, tasks: [task("1#0", "End", 10), task("2#0", "Commit")] }));
    hub.update((s) => ({ ...s, tasks: [task("1#0", "End", 10), task("2#0", "End", 10)] }));
    hub.update((s) => ({ ...s, settings: { ...s.settings, notifications: false } }));
    vi.advanceTimersByTime(60_000);
    expect(shown).toHaveLength(1);
  });

  it("re-reads the snapshot when a patch does not follow on", () => {
    let current = { rev: 3, snapshot: snapshot({ tasks: [task("1#0", "Commit")] }) };
    let listener: ((p: PatchMessage) => void) | undefined;
    const getSnapshot = vi.fn(() => current);
    stop = watchForNotices(
      { getSnapshot, onPatch: (l) => ((listener = l), () => (listener = undefined)) },
      { show: (n) => shown.push(n) },
    );
    current = { rev: 5, snapshot: snapshot({ tasks: [task("1#0", "End", 10)] }) };
    listener?.({ rev: 5, ops: [{ op: "replace", path: "/appVersion", value: "gap" }] });
    expect(getSnapshot).toHaveBeenCalledTimes(2);
    expect(shown.map((n) => n.body)).toEqual(["A task earned 1 POUW"]);
    listener?.({ rev: 4, ops: [] });
    expect(getSnapshot).toHaveBeenCalledTimes(2);
    stop();
    expect(listener).toBeUndefined();
  });

  it("formats amounts short and never as a bare zero", () => {
    expect(formatAmount((228n * E18) / 10n)).toBe("22.8");
    expect(formatAmount(3n * E18)).toBe("3");
    expect(formatAmount(123_456_789n * 10n ** 10n)).toBe("1.2345");
    expect(formatAmount(1n)).toBe("less than 0.0001");
    expect(formatAmount(0n)).toBe("0");
  });

  it("keeps only the live list's tasks in memory", () => {
    const n = new Notifier(snapshot({ tasks: [task("1#0", "Commit")] }), { show: (x) => shown.push(x) });
    n.observe(snapshot({ tasks: [task("2#0", "Commit")] }));
    // 1#0 left the list; seen again ended it is history, not news.
    n.observe(snapshot({ tasks: [task("1#0", "End", 10), task("2#0", "Commit")] }));
    expect(shown).toEqual([]);
    n.close();
  });
});
