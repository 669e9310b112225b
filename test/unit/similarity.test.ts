import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cosineSimilarity, medoidIndex, normalize } from "../../src-shared/similarity.js";

const vec = (n: number) => fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n });

describe("similarity", () => {
  it("normalize gives unit length, keeps direction, and leaves a zero vector at zero", () => {
    fc.assert(
      fc.property(vec(8), (v) => {
        const n = normalize(v);
        const len = Math.hypot(...n);
        if (v.every((x) => x === 0) || Math.hypot(...v) === 0) expect(n.every((x) => x === 0)).toBe(true);
        else {
          expect(len).toBeCloseTo(1, 9);
          expect(cosineSimilarity(n, v)).toBeCloseTo(1, 9);
        }
      }),
    );
  });

  it("cosine similarity is symmetric, bounded, and 1 / -1 / 0 in the textbook cases", () => {
    fc.assert(
      fc.property(vec(6), vec(6), (a, b) => {
        const s = cosineSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(-1);
        expect(s).toBeLessThanOrEqual(1);
        expect(cosineSimilarity(b, a)).toBeCloseTo(s, 12);
      }),
    );
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-3, 0])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });

  it("rejects vectors of different lengths", () => {
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(/differ in length/);
  });

  it("medoid is the vector closest to the others, not an outlier", () => {
    const cluster = [
      [1, 0.1, 0],
      [1, 0, 0.1],
      [1, 0.05, 0.05],
    ];
    const outlier = [-1, 0, 0];
    expect(medoidIndex([outlier, ...cluster])).toBe(3);
    expect(medoidIndex([[3, 4]])).toBe(0);
    // ties go to the lowest index, so every miner picks the same consensus
    expect(
      medoidIndex([
        [1, 0],
        [1, 0],
      ]),
    ).toBe(0);
    expect(() => medoidIndex([])).toThrow(/at least one/);
  });

  it("medoid does not depend on vector scale", () => {
    fc.assert(
      fc.property(
        fc.array(vec(4), { minLength: 2, maxLength: 6 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (vs, k) => {
          const scaled = vs.map((v) => v.map((x) => x * k));
          const a = medoidIndex(vs);
          const b = medoidIndex(scaled);
          if (a !== b) {
            // Only float ties may differ; their totals must then be equal within rounding.
            const total = (i: number) =>
              vs.reduce((s, v, j) => (j === i ? s : s + cosineSimilarity(vs[i] as number[], v)), 0);
            expect(total(a)).toBeCloseTo(total(b), 9);
          }
        },
      ),
    );
  });
});
