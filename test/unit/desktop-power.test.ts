import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PatchMessage, TaskSummary } from "../../src-shared/app-contract.js";
import type { TaskState } from "../../src-shared/pouw-states.js";
import { appSnapshot } from "../helpers/app-snapshot.js";
import { MiningGateRunner } from "../../src-main/miner/mining-gate-runner.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { polledBatterySource, type BatteryReading } from "../../src-main/desktop/battery-source.js";
import { STALE_AFTER_MS, keepAwakeWhileBusy, taskInFlight } from "../../src-main/desktop/keep-awake.js";
import { installKeepAwake, powerMonitorBatterySource } from "../../src-main/electron/power.js";
import { alwaysIdle } from "../../src-main/scheduler/mining-gate.js";

const NOW = 1_000_000_000;
const snapshot = appSnapshot;
const task = (id: string, stage: TaskState, deadlineAt?: number): TaskSummary => ({
  id,
  stage,
  modelId: "0x01",
  updatedAt: 1,
  kind: "user",
  states: [],
  rewardWei: "0",
  ...(deadlineAt !== undefined ? { deadlineAt } : {}),
});

/** A fake powerSaveBlocker: which ids are started now, and every call. */
function fakeBlocker() {
  let next = 0;
  const active = new Set<number>();
  const calls: string[] = [];
  return {
    active,
    calls,
    start: (type: "prevent-app-suspension" | "prevent-display-sleep") => {
      next += 1;
      active.add(next);
      calls.push(`start ${type} ${next}`);
      return next;
    },
    stop: (id: number) => {
      active.delete(id);
      calls.push(`stop ${id}`);
      return true;
    },
  };
}

describe("keep awake while a task is in flight", () => {
  it("starts the blocker with the first task in flight and stops it when none is left", () => {
    const hub = new SnapshotHub(snapshot({ tasks: [task("1#0", "End")] }));
    const blocker = fakeBlocker();
    const stop = installKeepAwake(
      { getSnapshot: () => hub.message(), onPatch: (l: (p: PatchMessage) => void) => hub.subscribe(l) },
      blocker,
    );
    expect(blocker.calls).toEqual([]);
    hub.update((s) => ({ ...s, tasks: [task("2#0", "Start"), ...s.tasks] }));
    hub.update((s) => ({ ...s, tasks: [task("3#1", "Precommit"), ...s.tasks] }));
    expect(blocker.calls).toEqual(["start prevent-app-suspension 1"]);
    hub.update((s) => ({ ...s, tasks: [task("3#1", "End"), task("2#0", "Commit"), task("1#0", "End")] }));
    expect(blocker.active).toEqual(new Set([1]));
    hub.update((s) => ({ ...s, tasks: s.tasks.map((t) => ({ ...t, stage: "End" })) }));
    expect(blocker.calls).toEqual(["start prevent-app-suspension 1", "stop 1"]);
    hub.update((s) => ({ ...s, tasks: [task("4#0", "Start"), ...s.tasks] }));
    expect(blocker.active).toEqual(new Set([2]));
    stop();
    expect(blocker.active).toEqual(new Set());
    hub.update((s) => ({ ...s, tasks: [task("5#0", "Start")] }));
    expect(blocker.active).toEqual(new Set());
  });

  it("holds from the start when the snapshot already has a task in flight, and re-reads the snapshot after a gap", () => {
    let message = { rev: 4, snapshot: snapshot({ tasks: [task("1#0", "Commit")] }) };
    const listeners: Array<(p: PatchMessage) => void> = [];
    const blocker = fakeBlocker();
    keepAwakeWhileBusy(
      { getSnapshot: () => message, onPatch: (l) => (listeners.push(l), () => undefined) },
      { start: () => blocker.start("prevent-app-suspension"), stop: blocker.stop },
    );
    expect(blocker.active.size).toBe(1);
    // rev 6 after 4: a patch was missed, so the whole snapshot is read again.
    message = { rev: 6, snapshot: snapshot({ tasks: [task("1#0", "End")] }) };
    listeners[0]!({ rev: 6, ops: [] });
    expect(blocker.active.size).toBe(0);
  });

  it("counts tasks only while the miner works, and not a record whose deadline passed long ago", () => {
    const live = [task("1#0", "Precommit", NOW + 10_000)];
    expect(taskInFlight(snapshot({ tasks: live }), NOW)).toBe(true);
    for (const state of ["paused", "stopping", "starting"] as const)
      expect(taskInFlight(snapshot({ mining: { state, reason: "" }, tasks: live }), NOW)).toBe(true);
    for (const state of ["stopped", "error"] as const)
      expect(taskInFlight(snapshot({ mining: { state, reason: "" }, tasks: live }), NOW)).toBe(false);
    expect(taskInFlight(snapshot({ tasks: [task("1#0", "Start", NOW - STALE_AFTER_MS - 1)] }), NOW)).toBe(false);
    expect(taskInFlight(snapshot({ tasks: [task("1#0", "Start", NOW - 60_000)] }), NOW)).toBe(true);
    expect(taskInFlight(snapshot({ tasks: [task("1#0", "Start")] }), NOW)).toBe(true);
  });
});

describe("battery sources", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("headless: polls systeminformation while watched; on battery only with a battery and no mains; an error is not on battery", async () => {
    let reading: BatteryReading | Error = { hasBattery: true, acConnected: true };
    const read = vi.fn(async () => {
      if (reading instanceof Error) throw reading;
      return reading;
    });
    const source = polledBatterySource({ read, intervalMs: 1_000 });
    expect(source.onBattery()).toBe(false);
    expect(read).not.toHaveBeenCalled();
    const changes = vi.fn();
    const unwatch = source.watch!(changes);
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    expect(source.onBattery()).toBe(false);
    reading = { hasBattery: true, acConnected: false };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(source.onBattery()).toBe(true);
    expect(changes).toHaveBeenCalledTimes(1);
    reading = new Error("WMI timed out");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(source.onBattery()).toBe(false);
    expect(changes).toHaveBeenCalledTimes(2);
    reading = { hasBattery: false, acConnected: false };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(source.onBattery()).toBe(false);
    expect(changes).toHaveBeenCalledTimes(2);
    unwatch();
    const calls = read.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(read.mock.calls.length).toBe(calls);
  });

  it("Electron: powerMonitor's answer, its on-battery/on-ac events, and a throw as not on battery", () => {
    const listeners = new Map<string, Set<() => void>>();
    let battery: boolean | "throws" = false;
    const pm = {
      isOnBatteryPower: () => {
        if (battery === "throws") throw new Error("no power service");
        return battery;
      },
      on: (e: string, l: () => void) => listeners.set(e, (listeners.get(e) ?? new Set()).add(l)),
      removeListener: (e: string, l: () => void) => listeners.get(e)?.delete(l),
    };
    const source = powerMonitorBatterySource(pm);
    battery = true;
    expect(source.onBattery()).toBe(true);
    battery = "throws";
    expect(source.onBattery()).toBe(false);
    const seen = vi.fn();
    const unwatch = source.watch!(seen);
    listeners.get("on-battery")?.forEach((l) => l());
    listeners.get("on-ac")?.forEach((l) => l());
    expect(seen).toHaveBeenCalledTimes(2);
    unwatch();
    expect([...listeners.values()].every((s) => s.size === 0)).toBe(true);
  });

  it("the mining gate pauses at the unplug event with the battery reason, and resumes on mains", () => {
    let battery = false;
    const events = new Set<() => void>();
    const runner = new MiningGateRunner({
      settings: () => ({ idleOnly: false, idleMinutes: 5, schedule: [], pauseOnBattery: true }),
      idleSource: alwaysIdle,
      batterySource: { onBattery: () => battery, watch: (l) => (events.add(l), () => events.delete(l)) },
      intervalMs: 60_000,
    });
    const seen: string[] = [];
    runner.listen((d) => seen.push(d.reason));
    runner.start();
    battery = true;
    events.forEach((l) => l());
    expect(runner.pausedReason()).toBe("paused: on battery power (mining resumes when the computer is plugged in)");
    battery = false;
    events.forEach((l) => l());
    expect(runner.pausedReason()).toBeUndefined();
    expect(seen).toEqual(["paused: on battery power (mining resumes when the computer is plugged in)", "mining"]);
    runner.stop();
    expect(events.size).toBe(0);
  });
});
