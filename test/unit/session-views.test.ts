import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { capacityTasksPerSecond, earningsView, startOfLocalDay } from "../../src-main/earnings/earnings-view.js";
import { LogBuffer, levelOf } from "../../src-main/session/log-buffer.js";
import { ThroughputMeter } from "../../src-main/session/live-samples.js";
import { SetupProgress, setupFilePath } from "../../src-main/session/setup-state.js";
import { findTask, liveTasks, queryTasks } from "../../src-main/miner/task-queries.js";
import { TaskFilter, TaskPage } from "../../src-shared/app-views.js";
import { TaskRecord } from "../../src-shared/task-record.js";

const HOUR = 3_600;
const DAY = 86_400;
type Kind = "user" | "background";
const rec = (taskId: string, endAt: number, kind: Kind, reward: string, extra: Partial<TaskRecord> = {}) =>
  TaskRecord.parse({
    taskId,
    slot: 0,
    kind,
    modelId: "m",
    priority: 1,
    states: [
      { state: "Start", at: endAt - 20, txHash: "0xaa" },
      { state: "End", at: endAt },
    ],
    outcome: "Completed",
    reward,
    gasSpent: "7",
    ...extra,
  });
const parsedFilter = (f: unknown) => TaskFilter.parse(f) as Required<Pick<TaskFilter, "offset" | "limit">> & TaskFilter;

describe("earnings view", () => {
  // Noon local time, so "today" has hours behind it whatever the machine's time zone.
  const noon = new Date(2026, 5, 15, 12, 30, 0).getTime();
  const now = noon / 1000;
  const records = [
    rec("1", now - 60, "user", "100", { tokens: 32 }),
    rec("2", now - 2 * HOUR, "background", "30", { tokens: 32 }),
    rec("3", now - 3 * DAY, "user", "5"),
    rec("4", now - 20 * DAY, "user", "1"),
    rec("5", now - 40 * DAY, "user", "1000"),
  ];

  it("splits today, 7 and 30 days into user-paid, network-paid and gas", () => {
    const e = earningsView(records, new Map(), { nowMs: noon });
    expect(e.today).toEqual({ userWei: "100", backgroundWei: "30", gasWei: "14", tasks: 2 });
    expect(e.week).toEqual({ userWei: "105", backgroundWei: "30", gasWei: "21", tasks: 3 });
    expect(e.month).toEqual({ userWei: "106", backgroundWei: "30", gasWei: "28", tasks: 4 });
    expect(e.totalWei).toBe("1136");
    expect(e.tasksCompleted).toBe(5);
  });

  it("buckets the last 24 hours and 30 days, oldest first, in milliseconds", () => {
    const e = earningsView(records, new Map(), { nowMs: noon });
    expect(e.hourly).toHaveLength(24);
    expect(e.hourly!.at(-1)).toMatchObject({ start: Math.floor(now / HOUR) * HOUR * 1000, userWei: "100", tasks: 1 });
    expect(e.hourly!.at(-3)).toMatchObject({ backgroundWei: "30", tasks: 1 });
    expect(e.daily).toHaveLength(30);
    expect(e.daily!.at(-1)).toMatchObject({ start: startOfLocalDay(noon) * 1000, tasks: 2 });
    expect(e.daily!.reduce((n, b) => n + b.tasks, 0)).toBe(4); // the 40-day-old task is outside
  });

  it("projects only with a benchmark, from the week's demand capped by capacity", () => {
    expect(earningsView(records, new Map(), { nowMs: noon }).projectedDailyWei).toBeUndefined();
    // 3 tasks in the last week, 45 wei per task on average: demand 3/7 a day → 0 whole tasks a day…
    // …over the part of the week this miner existed (all 7 days here, the first record is older).
    expect(earningsView(records, new Map(), { nowMs: noon, tokensPerSecond: 10 }).projectedDailyWei).toBe("0");
    const busy = Array.from({ length: 24 }, (_, i) => rec(`b${i}`, now - i * 60, "background", "10", { tokens: 64 }));
    // 24 tasks within the last half hour, measured over at least one hour: 576 a day by demand;
    // capacity 1 token/s ÷ 64 tokens = 1350 a day, so demand decides: 576 × 10.
    expect(earningsView(busy, new Map(), { nowMs: noon, tokensPerSecond: 1 }).projectedDailyWei).toBe("5760");
    expect(capacityTasksPerSecond(undefined, busy)).toBeUndefined();
    expect(capacityTasksPerSecond(64, [])).toBe(1); // no history: the background budget of 64 tokens
  });

  it("counts only what was credited since launch as the session's", () => {
    const e = earningsView(records, new Map([["1#0", 60n]]), { nowMs: noon });
    expect(e.sessionWei).toBe((1136n - 60n).toString());
  });
});

describe("task queries", () => {
  const records = [
    rec("1", 1_000, "user", "10"),
    rec("2", 2_000, "background", "20", { outcome: "TimedOut" }),
    rec("3", 3_000, "user", "30"),
    TaskRecord.parse({
      taskId: "4",
      slot: 1,
      kind: "user",
      modelId: "m",
      priority: 0,
      states: [{ state: "Start", at: 4_000 }],
    }),
  ];

  it("filters by kind, outcome and in-flight, newest first, with a total before paging", () => {
    const all = queryTasks(records, parsedFilter({}));
    expect(TaskPage.parse(all)).toEqual(all);
    expect(all.rows.map((r) => r.id)).toEqual(["4#1", "3#0", "2#0", "1#0"]);
    expect(queryTasks(records, parsedFilter({ kind: "user" })).rows.map((r) => r.id)).toEqual(["4#1", "3#0", "1#0"]);
    expect(queryTasks(records, parsedFilter({ outcome: "TimedOut" })).rows.map((r) => r.id)).toEqual(["2#0"]);
    expect(queryTasks(records, parsedFilter({ active: true })).rows.map((r) => r.id)).toEqual(["4#1"]);
    expect(queryTasks(records, parsedFilter({ active: false })).total).toBe(3);
  });

  it("pages with offset and limit", () => {
    expect(queryTasks(records, parsedFilter({ offset: 1, limit: 2 }))).toMatchObject({
      total: 4,
      rows: [{ id: "3#0" }, { id: "2#0" }],
    });
    expect(queryTasks(records, parsedFilter({ offset: 4 }))).toEqual({ total: 4, rows: [] });
  });

  it("shows states in ms with hashes, and a deadline only while in flight", () => {
    const detail = findTask(records, "3#0", 9_999);
    expect(detail.states).toEqual([
      { state: "Start", at: 2_980_000, txHash: "0xaa" },
      { state: "End", at: 3_000_000 },
    ]);
    expect(detail).toMatchObject({ priority: 1, gasSpentWei: "7", rewardWei: "30", updatedAt: 3_000_000 });
    expect(detail.deadlineAt).toBeUndefined();
    expect(findTask(records, "4#1", 9_999).deadlineAt).toBe(9_999);
    expect(() => findTask(records, "9#0")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });

  it("keeps every task in flight in the live list but only the newest finished ones", () => {
    const many = Array.from({ length: 30 }, (_, i) => rec(String(100 + i), 10_000 + i, "user", "1"));
    const live = liveTasks([...many, records[3]!], new Map([["4", 123]]), 5);
    expect(live).toHaveLength(6);
    expect(live.find((t) => t.id === "4#1")?.deadlineAt).toBe(123);
    expect(live[0]?.id).toBe("129#0");
  });
});

describe("log buffer", () => {
  it("keeps the newest lines in order once full, filtered by level and limited", () => {
    const buf = new LogBuffer(3);
    for (const [i, level] of (["info", "debug", "error", "warn", "info"] as const).entries())
      buf.push({ at: i, level, message: `m${i}` });
    expect(buf.size).toBe(3);
    expect(buf.lines().map((l) => l.message)).toEqual(["m2", "m3", "m4"]);
    expect(buf.lines({ level: "warn" }).map((l) => l.message)).toEqual(["m2", "m3"]);
    expect(buf.lines({ limit: 1 }).map((l) => l.message)).toEqual(["m4"]);
    expect(() => new LogBuffer(0)).toThrow();
  });

  it("reads a plain line's level from its words", () => {
    expect(levelOf("chain sync: could not reach the node")).toBe("error");
    expect(levelOf("devnet warning: port in use")).toBe("warn");
    expect(levelOf("registered 0xabc as a miner")).toBe("info");
  });
});

describe("throughput meter", () => {
  it("averages the tokens of inferences finished within its window", () => {
    const m = new ThroughputMeter(10_000);
    m.add(50, 1_000);
    m.add(30, 9_000);
    expect(m.tokensPerSecond(10_000)).toBe(8);
    expect(m.tokensPerSecond(15_000)).toBe(3);
    expect(m.tokensPerSecond(30_000)).toBe(0);
  });
});

describe("set-up progress", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pouw-setup-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("persists done steps in the flow's order and resumes them after a restart", async () => {
    const p = await SetupProgress.open(dir);
    expect(p.done).toEqual([]);
    expect(await p.mark("backup", "hardware")).toBe(true);
    expect(await p.mark("hardware")).toBe(false);
    const again = await SetupProgress.open(dir);
    expect(again.done).toEqual(["hardware", "backup"]);
    expect(JSON.parse(await readFile(setupFilePath(dir), "utf8"))).toEqual({
      version: 1,
      done: ["hardware", "backup"],
    });
  });

  it("is complete only when the facts say so, whatever the steps", async () => {
    const p = await SetupProgress.open(dir);
    await p.mark("hardware", "wallet", "backup", "model", "benchmark", "register");
    expect(p.view({ wallet: "locked", modelInstalled: true, registered: true })).toMatchObject({
      complete: false,
      wallet: "locked",
    });
    expect(p.view({ wallet: "unlocked", modelInstalled: false, registered: true }).complete).toBe(false);
    expect(p.view({ wallet: "unlocked", modelInstalled: true, registered: true }).complete).toBe(true);
  });

  it("starts over from a damaged file rather than failing", async () => {
    await writeFile(setupFilePath(dir), "{not json");
    expect((await SetupProgress.open(dir)).done).toEqual([]);
    await writeFile(setupFilePath(dir), JSON.stringify({ version: 1, done: ["teleport"] }));
    expect((await SetupProgress.open(dir)).done).toEqual([]);
  });
});

describe("log buffer coalescing", () => {
  it("keeps a repeated message once a minute with its count, so a fault loop cannot push out the history", () => {
    const buf = new LogBuffer(50);
    buf.record({ at: 0, level: "info", message: "mining started" });
    const shown: string[] = [];
    // 17 failures a second for two minutes, interleaved with a second fault.
    for (let t = 1; t <= 120_000; t += 59) {
      for (const l of buf.record({ at: t, level: "error", message: "chain sync: cannot reach the node" }))
        shown.push(l.message);
      for (const l of buf.record({ at: t, level: "warn", message: "task 7: retrying" })) shown.push(l.message);
    }
    expect(shown).toEqual([
      "chain sync: cannot reach the node",
      "task 7: retrying",
      expect.stringMatching(/^… repeated 1017 times in 60 s: chain sync: cannot reach the node$/),
      expect.stringMatching(/^… repeated 1017 times in 60 s: task 7: retrying$/),
    ]);
    expect(buf.lines().map((l) => l.message)).toEqual(["mining started", ...shown]);
    // Another level is another message; a different message is kept at once.
    expect(buf.record({ at: 120_001, level: "warn", message: "chain sync: cannot reach the node" })).toHaveLength(1);
    expect(buf.record({ at: 120_002, level: "info", message: "mining stopped" })).toHaveLength(1);
  });
});

describe("log buffer coalescing, when the flood stops", () => {
  it("tells the count of the last minute's repeats once that minute is over, and only once", () => {
    const buf = new LogBuffer(50);
    for (let t = 0; t < 5_000; t += 100) buf.record({ at: t, level: "error", message: "write failed: ENOSPC" });
    expect(buf.flushRepeats(30_000)).toEqual([]); // the minute is not over yet
    expect(buf.flushRepeats(61_000)).toEqual([
      { at: 61_000, level: "error", message: "… repeated 49 times in 61 s: write failed: ENOSPC" },
    ]);
    expect(buf.flushRepeats(200_000)).toEqual([]);
    expect(buf.lines().map((l) => l.message)).toEqual([
      "write failed: ENOSPC",
      "… repeated 49 times in 61 s: write failed: ENOSPC",
    ]);
  });
});
