import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { gatedMiningStatus, MiningGateRunner } from "../../src-main/miner/mining-gate-runner.js";
import { cappedThreads, declaredSpeed, defaultThreads } from "../../src-main/models/model-inference.js";
import { powerMonitorIdleSource } from "../../src-main/electron/idle-source.js";
import { alwaysIdle, type GateDecision } from "../../src-main/scheduler/mining-gate.js";
import type { ScheduleWindow } from "../../src-shared/settings-schema.js";

// A fake clock (vitest's timers move Date too) and a fake idle source drive the runner's timer.
describe("MiningGateRunner", () => {
  let idle = 0;
  const idleSource = { idleSeconds: () => idle };
  let settings: { idleOnly: boolean; idleMinutes: number; schedule: ScheduleWindow[] };
  let seen: GateDecision[];

  beforeEach(() => {
    vi.useFakeTimers();
    // A Wednesday, 12:00 local time.
    vi.setSystemTime(new Date(2026, 10, 25, 12, 0));
    idle = 0;
    settings = { idleOnly: true, idleMinutes: 5, schedule: [] };
    seen = [];
  });
  afterEach(() => vi.useRealTimers());

  const startRunner = () => {
    const runner = new MiningGateRunner({ settings: () => settings, idleSource, intervalMs: 1_000 });
    runner.listen((d) => seen.push(d));
    runner.start();
    return runner;
  };

  it("pauses while the user is active and resumes within one interval of the user leaving", () => {
    const runner = startRunner();
    expect(runner.pausedReason()).toMatch(/^paused: you are using this computer/);
    idle = 299;
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([]);
    idle = 300;
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([{ allowed: true, reason: "mining while you are away" }]);
    expect(runner.pausedReason()).toBeUndefined();
    // The user comes back: paused again at the next look, not later.
    idle = 2;
    vi.advanceTimersByTime(1_000);
    expect(seen.at(-1)).toMatchObject({ allowed: false, code: "USER_ACTIVE" });
    runner.stop();
  });

  it("follows the schedule as the clock moves, and tells only changes", () => {
    settings = { idleOnly: false, idleMinutes: 5, schedule: [{ days: [3], start: "12:30", end: "13:00" }] };
    const runner = startRunner();
    expect(runner.current()).toMatchObject({ allowed: false, code: "OUTSIDE_SCHEDULE" });
    expect(runner.pausedReason()).toMatch(/^paused: outside your mining schedule/);
    vi.advanceTimersByTime(29 * 60_000);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(60_000); // 12:30
    expect(seen).toEqual([{ allowed: true, reason: "mining" }]);
    vi.advanceTimersByTime(30 * 60_000); // 13:00
    expect(seen.at(-1)).toMatchObject({ allowed: false, code: "OUTSIDE_SCHEDULE" });
    expect(seen).toHaveLength(2);
    runner.stop();
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(seen).toHaveLength(2);
  });

  it("re-evaluates at once when asked (a settings change), and headless is never paused for idleness", () => {
    const runner = startRunner();
    settings = { ...settings, idleOnly: false };
    expect(runner.evaluate().allowed).toBe(true);
    expect(seen).toHaveLength(1);
    runner.stop();
    const headless = new MiningGateRunner({
      settings: () => ({ idleOnly: true, idleMinutes: 240, schedule: [] }),
      idleSource: alwaysIdle,
    });
    expect(headless.current().allowed).toBe(true);
  });

  it("maps the decision onto the dashboard's mining status", () => {
    expect(gatedMiningStatus({ allowed: true, reason: "mining" }, "Serving m")).toEqual({
      state: "mining",
      reason: "Serving m",
    });
    expect(
      gatedMiningStatus(
        { allowed: false, code: "USER_ACTIVE", reason: "paused: you are using this computer" },
        "Serving m",
      ),
    ).toEqual({
      state: "paused",
      reason: "paused: you are using this computer",
    });
  });
});

describe("the Electron idle source", () => {
  it("reads powerMonitor's system idle time on every look", () => {
    let seconds = 12;
    const source = powerMonitorIdleSource({ getSystemIdleTime: () => seconds });
    expect(source.idleSeconds()).toBe(12);
    seconds = 400;
    expect(source.idleSeconds()).toBe(400);
  });
});

describe("worker settings from the settings and the benchmark", () => {
  it("caps the threads by the settings' maxThreads, never below one", () => {
    expect(cappedThreads(8, 2)).toBe(2);
    expect(cappedThreads(1, 4)).toBe(1);
    expect(cappedThreads(undefined, undefined)).toBe(defaultThreads());
    expect(cappedThreads(undefined, 1)).toBe(1);
  });
  it("declares the benchmark's tokens per second as a whole uint32", () => {
    expect(declaredSpeed({ tokensPerSecond: 1523.6 })).toBe(1524);
    expect(declaredSpeed({ tokensPerSecond: 0.2 })).toBe(1);
    expect(declaredSpeed({ tokensPerSecond: 1e12 })).toBe(2 ** 32 - 1);
  });
});
