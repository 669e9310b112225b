import { describe, expect, it } from "vitest";
import { canFinishInTime, estimateSeconds } from "../../src-main/scheduler/admission.js";
import { miningGate } from "../../src-main/scheduler/mining-gate.js";
import { inSchedule, nextScheduledStart } from "../../src-main/scheduler/schedule.js";
import { TaskQueue, type QueuedTask } from "../../src-main/scheduler/task-queue.js";

// 2026-11-27 is a Friday (day 5). Local-time constructors keep the tests timezone-independent.
const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, 22 + day, hh, mm);

describe("inSchedule", () => {
  const weekdayNights = [{ days: [1, 2, 3, 4, 5], start: "22:00", end: "06:00" }];
  it("runs past midnight on the day after the window's start", () => {
    expect(at(5, 23).getDay()).toBe(5);
    expect(inSchedule(weekdayNights, at(5, 23))).toBe(true); // Friday 23:00
    expect(inSchedule(weekdayNights, at(6, 3))).toBe(true); // Saturday 03:00, Friday's window
    expect(inSchedule(weekdayNights, at(6, 23))).toBe(false); // Saturday night: no window
    expect(inSchedule(weekdayNights, at(1, 3))).toBe(false); // Monday 03:00 belongs to Sunday
    expect(inSchedule(weekdayNights, at(5, 12))).toBe(false);
  });
  it("treats an empty schedule as always on, and ends are exclusive", () => {
    expect(inSchedule([], at(3, 12))).toBe(true);
    const lunch = [{ days: [3], start: "12:00", end: "13:00" }];
    expect(inSchedule(lunch, at(3, 12, 59))).toBe(true);
    expect(inSchedule(lunch, at(3, 13, 0))).toBe(false);
  });
  it("finds the next start", () => {
    const lunch = [{ days: [3], start: "12:00", end: "13:00" }];
    expect(nextScheduledStart(lunch, at(3, 9))?.getTime()).toBe(at(3, 12).getTime());
    expect(nextScheduledStart(lunch, at(3, 14))?.getTime()).toBe(at(10, 12).getTime());
  });
});

describe("miningGate", () => {
  const base = { idleOnly: true, idleMinutes: 5, schedule: [] };
  it("pauses while the user is active in idle-only mode, and says why", () => {
    const d = miningGate(base, 60, at(3, 12));
    expect(d).toMatchObject({ allowed: false, code: "USER_ACTIVE" });
    expect(d.reason).toContain("after 5 min idle");
    expect(miningGate(base, 301, at(3, 12)).allowed).toBe(true);
    expect(miningGate({ ...base, idleOnly: false }, 0, at(3, 12)).allowed).toBe(true);
  });
  it("pauses outside the schedule before looking at idleness", () => {
    const d = miningGate({ ...base, schedule: [{ days: [3], start: "12:00", end: "13:00" }] }, 10_000, at(3, 9));
    expect(d).toMatchObject({ allowed: false, code: "OUTSIDE_SCHEDULE" });
  });
  it("pauses on battery power unless pauseOnBattery is off, after the schedule and before idleness", () => {
    const d = miningGate({ ...base, idleOnly: false, pauseOnBattery: true }, 0, at(3, 12), true);
    expect(d).toEqual({
      allowed: false,
      code: "ON_BATTERY",
      reason: "paused: on battery power (mining resumes when the computer is plugged in)",
    });
    // The schema's default (on) when the setting is not given.
    expect(miningGate({ ...base, idleOnly: false }, 0, at(3, 12), true)).toMatchObject({ code: "ON_BATTERY" });
    expect(miningGate({ ...base, idleOnly: false, pauseOnBattery: false }, 0, at(3, 12), true)).toEqual({
      allowed: true,
      reason: "mining",
    });
    expect(miningGate({ ...base, idleOnly: false, pauseOnBattery: true }, 0, at(3, 12), false).allowed).toBe(true);
    expect(miningGate({ ...base, pauseOnBattery: true }, 10, at(3, 12), true)).toMatchObject({ code: "ON_BATTERY" });
    const outside = { ...base, pauseOnBattery: true, schedule: [{ days: [3], start: "12:00", end: "13:00" }] };
    expect(miningGate(outside, 10_000, at(3, 9), true)).toMatchObject({ code: "OUTSIDE_SCHEDULE" });
  });
});

describe("admission", () => {
  const profile = { tokensPerSecond: 20, ttftMs: 500 };
  it("estimates from the benchmark with a safety factor", () => {
    expect(estimateSeconds(profile, { maxTokens: 200, promptTokens: 0 })).toBeCloseTo((0.5 + 10) * 1.5);
    expect(estimateSeconds({ tokensPerSecond: 0, ttftMs: 0 }, { maxTokens: 1, promptTokens: 0 })).toBe(Infinity);
  });
  it("declines what cannot be precommitted before the deadline", () => {
    const demand = { maxTokens: 200, promptTokens: 50 };
    expect(canFinishInTime({ profile, demand, nowSeconds: 1000, precommitDeadline: 1060 }).ok).toBe(true);
    expect(canFinishInTime({ profile, demand, nowSeconds: 1000, precommitDeadline: 1010 }).ok).toBe(false);
  });
});

describe("TaskQueue", () => {
  const task = (taskId: string, o: Partial<QueuedTask> = {}): QueuedTask => ({
    taskId,
    modelId: "m",
    background: false,
    priority: 0,
    deadline: 100,
    ...o,
  });
  it("serves user tasks before background ones, then priority, then deadline", () => {
    const q = new TaskQueue();
    q.add(task("bg", { background: true, priority: 9 }));
    q.add(task("late", { deadline: 500 }));
    q.add(task("soon", { deadline: 50 }));
    q.add(task("vip", { priority: 2, deadline: 900 }));
    const order: string[] = [];
    for (let t = q.next(); t; t = q.next()) {
      order.push(t.taskId);
      q.done(t.taskId);
    }
    expect(order).toEqual(["vip", "soon", "late", "bg"]);
  });
  it("runs one task per model and ignores duplicates", () => {
    const q = new TaskQueue();
    expect(q.add(task("a"))).toBe(true);
    expect(q.add(task("a"))).toBe(false);
    q.add(task("b"));
    q.add(task("c", { modelId: "other" }));
    expect(q.next()?.taskId).toBe("a");
    expect(q.next()?.taskId).toBe("c"); // "b" waits for model m
    expect(q.next()).toBeUndefined();
    q.done("a");
    expect(q.next()?.taskId).toBe("b");
    expect(q.add(task("b"))).toBe(false); // running counts too
  });
  it("drops waiting tasks that can no longer finish", () => {
    const q = new TaskQueue();
    q.add(task("x", { deadline: 10 }));
    q.add(task("y", { deadline: 1000 }));
    expect(q.dropWaiting((t) => t.deadline < 100).map((t) => t.taskId)).toEqual(["x"]);
    expect(q.snapshot().waiting.map((t) => t.taskId)).toEqual(["y"]);
  });
});
