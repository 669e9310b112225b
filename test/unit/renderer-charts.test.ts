import { describe, expect, it } from "vitest";
import { earningsChartData, rewardRange } from "../../src-renderer/src/lib/charts/earnings-data.js";
import { stepKinds } from "../../src-renderer/src/lib/components/stepper.js";
import { TASK_STATES, type TaskState } from "../../src-shared/pouw-states.js";

const E18 = 10n ** 18n;
const HOUR_MS = 3_600_000;

describe("earnings chart data", () => {
  // As main sends it: bucket starts in ms, amounts as wei strings; 7.6 POUW earned in the current hour.
  const from = 1_764_486_000_000;
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    start: from + i * HOUR_MS,
    userWei: i === 23 ? ((76n * E18) / 10n).toString() : "0",
    backgroundWei: i === 22 ? (E18 / 4n).toString() : "0",
    gasWei: "0",
    tasks: i >= 22 ? 1 : 0,
  }));

  it("puts each bucket's rewards, in whole tokens, at the middle of its hour in unix SECONDS", () => {
    const { data, xRange } = earningsChartData(buckets);
    expect(data[0]).toHaveLength(24);
    expect(data[0][0]).toBe(from / 1000 + 1800);
    expect(data[0][23]).toBe(from / 1000 + 23 * 3600 + 1800);
    expect(data[1][23]).toBe(7.6);
    expect(data[1].slice(0, 23).every((v) => v === 0)).toBe(true);
    expect(data[2][22]).toBe(0.25);
    // The last hour's bar is whole: the axis runs to the end of the current hour.
    expect(xRange).toEqual([from / 1000, from / 1000 + 24 * 3600]);
  });

  it("takes the bucket width from the spacing (days), an hour for a single bucket", () => {
    const day = 86_400_000;
    const daily = [0, 1].map((i) => ({ ...buckets[0]!, start: from + i * day }));
    expect(earningsChartData(daily).xRange).toEqual([from / 1000, from / 1000 + 2 * 86_400]);
    expect(earningsChartData([buckets[23]!]).data[0]).toEqual([from / 1000 + 23 * 3600 + 1800]);
    expect(earningsChartData([]).data).toEqual([[], [], []]);
  });

  it("scales rewards from zero with room above the highest bar", () => {
    expect(rewardRange(7.6)).toEqual([0, 7.6 * 1.15]);
    expect(rewardRange(0)).toEqual([0, 1]);
    expect(rewardRange(null)).toEqual([0, 1]);
  });
});

describe("task stepper kinds", () => {
  const stamps = (...states: TaskState[]) => states.map((state) => ({ state }));

  it("marks states before the miner's first record as passed before assignment, End as complete", () => {
    expect(stepKinds("End", stamps("Start", "Precommit", "Commit", "End"))).toEqual([
      "before",
      "before",
      "before",
      "done",
      "done",
      "done",
      "complete",
    ]);
  });

  it("keeps done / current / pending apart while a task runs", () => {
    expect(stepKinds("Precommit", stamps("Start", "Precommit"))).toEqual([
      "before",
      "before",
      "before",
      "done",
      "current",
      "pending",
      "pending",
    ]);
    // Without stamps every passed state is simply done.
    expect(stepKinds("Commit")).toEqual(["done", "done", "done", "done", "done", "current", "pending"]);
    expect(stepKinds("Request", [])).toEqual(["current", ...Array(TASK_STATES.length - 1).fill("pending")]);
  });
});
