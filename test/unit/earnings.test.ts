import { describe, expect, it } from "vitest";
import { bucketize, projectDailyReward, summarize } from "../../src-main/earnings/earnings.js";
import { TaskRecord } from "../../src-shared/task-record.js";

const rec = (taskId: string, at: number, kind: "user" | "background", reward: string, gasSpent = "10") =>
  TaskRecord.parse({
    taskId,
    slot: 0,
    kind,
    modelId: "m",
    priority: 0,
    states: [
      { state: "Request", at: at - 5 },
      { state: "End", at },
    ],
    reward,
    gasSpent,
  });

describe("earnings", () => {
  const records = [
    rec("1", 100, "user", "1000"),
    rec("2", 3_700, "background", "300"),
    rec("3", 7_300, "user", "5"),
    rec("4", 99_999, "user", "7"),
  ];

  it("sums user and network rewards separately, with gas, in a time range", () => {
    expect(summarize(records, 0, 7_200)).toEqual({
      userReward: 1000n,
      backgroundReward: 300n,
      gasSpent: 20n,
      tasks: 2,
    });
    expect(summarize(records, 7_200, 7_300).tasks).toBe(0); // end is exclusive
  });

  it("buckets by hour including empty hours", () => {
    const hours = bucketize(records, 0, 4 * 3_600, 3_600);
    expect(hours.map((b) => b.tasks)).toEqual([1, 1, 1, 0]);
    expect(hours[1]).toMatchObject({ start: 3_600, backgroundReward: 300n, userReward: 0n });
  });

  it("projects a day from recent reward per task, capped by demand and capacity", () => {
    const recent = { userReward: 100n, backgroundReward: 0n, gasSpent: 0n, tasks: 10 }; // 10 per task
    // demand: 10 tasks per hour = 240/day; capacity far higher → 240 × 10
    expect(projectDailyReward({ recent, recentSeconds: 3_600, capacityTasksPerSecond: 1 })).toBe(2_400n);
    // capacity 1 task per hour = 24/day → 24 × 10
    expect(projectDailyReward({ recent, recentSeconds: 3_600, capacityTasksPerSecond: 1 / 3_600 })).toBe(240n);
    expect(
      projectDailyReward({ recent: { ...recent, tasks: 0 }, recentSeconds: 3_600, capacityTasksPerSecond: 1 }),
    ).toBe(0n);
  });

  it("rejects amounts that are not whole wei", () => {
    expect(() => rec("x", 1, "user", "1.5")).toThrow();
  });
});
