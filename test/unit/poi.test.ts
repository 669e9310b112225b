import { describe, expect, it } from "vitest";
import { computePoi, SCORE_STEP_BPS } from "../../src-shared/poi.js";

describe("computePoi", () => {
  it("scores agreeing outputs high and the outlier low, against the medoid", () => {
    const a = [1, 0.1, 0];
    const b = [0.95, 0.12, 0.02];
    const c = [0.97, 0.08, 0.01];
    const outlier = [0, 0, 1];
    const { medoidSlot, scoresBps } = computePoi([a, outlier, b, c]);
    expect([0, 2, 3]).toContain(medoidSlot);
    expect(scoresBps[medoidSlot]).toBe(10_000);
    for (const slot of [0, 2, 3]) expect(scoresBps[slot]).toBeGreaterThanOrEqual(9_900);
    expect(scoresBps[1]).toBeLessThan(1_000);
  });

  it("gives 0 to slots that revealed nothing and handles no reveals at all", () => {
    expect(computePoi([[1, 0], null]).scoresBps).toEqual([10_000, 0]);
    expect(computePoi([null, null])).toEqual({ medoidSlot: -1, scoresBps: [0, 0] });
  });

  it("rounds to the score step so tiny numeric differences between oracles agree", () => {
    const one = computePoi([
      [1, 0],
      [0.8, 0.6],
    ]).scoresBps;
    const jittered = computePoi([
      [1, 1e-9],
      [0.8 + 1e-9, 0.6],
    ]).scoresBps;
    expect(jittered).toEqual(one);
    for (const s of one) expect(s % SCORE_STEP_BPS).toBe(0);
    expect(one).toEqual([10_000, 8_000]);
  });

  it("never scores below zero for opposite outputs", () => {
    expect(
      computePoi([
        [1, 0],
        [1, 0],
        [-1, 0],
      ]).scoresBps,
    ).toEqual([10_000, 10_000, 0]);
  });
});
