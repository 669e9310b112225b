import type { EarningsBucket } from "../../../../src-shared/app-views.js";
import { unitsAsNumber } from "../format.js";

export interface EarningsChartData {
  /** [bucket centres in unix SECONDS (uPlot's time axis), user-paid, network-paid] in whole tokens. */
  data: [number[], number[], number[]];
  /** The x range: from the first bucket's start to the last one's end, so no bar is cut in half. */
  xRange: [number, number];
}

const HOUR_SECONDS = 3_600;

/**
 * Earnings buckets (start in ms, amounts in wei strings) → what the bar chart draws. Each bar sits
 * in the middle of its bucket; the width comes from the buckets' spacing (an hour for one bucket).
 */
export function earningsChartData(buckets: readonly EarningsBucket[]): EarningsChartData {
  const starts = buckets.map((b) => b.start / 1000);
  const width = starts.length > 1 ? starts[1]! - starts[0]! : HOUR_SECONDS;
  const first = starts[0] ?? 0;
  const last = starts.at(-1) ?? 0;
  return {
    data: [
      starts.map((s) => s + width / 2),
      buckets.map((b) => unitsAsNumber(b.userWei)),
      buckets.map((b) => unitsAsNumber(b.backgroundWei)),
    ],
    xRange: [first, last + width],
  };
}

/** The y range of a reward chart: from 0, with room above the highest bar, and 0–1 while all are 0. */
export function rewardRange(max: number | null): [number, number] {
  return [0, max !== null && max > 0 ? max * 1.15 : 1];
}
