import { describe, expect, it } from "vitest";
import { drawOf, sampleFrom, uniformAt } from "../../src-shared/seeded-sampling.js";

const probs: Array<[number, number]> = [
  [7, 0.1],
  [3, 0.5],
  [9, 0.25],
  [4, 0.15],
];

describe("seeded sampling in JavaScript", () => {
  it("draws the same uniforms for the same seed and position, fixed forever (platform-independent integer mixing)", () => {
    // Pinned values: a change here changes every verifiable task's tokens, on every platform.
    expect(
      [uniformAt(0, 0), uniformAt(1, 0), uniformAt(1, 1), uniformAt(0xffff_ffff, 1234)].map((u) => u.toFixed(12)),
    ).toMatchSnapshot();
    expect(uniformAt(42, 7)).toBe(uniformAt(42, 7));
    expect(uniformAt(42, 7)).not.toBe(uniformAt(42, 8));
    expect(uniformAt(42, 7)).not.toBe(uniformAt(43, 7));
  });

  it("draws uniforms that look uniform: mean, spread, no position-to-position correlation", () => {
    const n = 20_000;
    const us = Array.from({ length: n }, (_, i) => uniformAt(12345, i));
    const mean = us.reduce((a, u) => a + u, 0) / n;
    const variance = us.reduce((a, u) => a + (u - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
    let lag = 0;
    for (let i = 1; i < n; i++) lag += ((us[i] as number) - mean) * ((us[i - 1] as number) - mean);
    expect(Math.abs(lag / (n - 1) / variance)).toBeLessThan(0.03);
    for (const u of us) expect(u >= 0 && u < 1).toBe(true);
  });

  it("picks the first choice at temperature 0 and follows the inverse CDF in token-id order otherwise, whatever the input order", () => {
    expect(sampleFrom(probs, 0.99, { temperature: 0 })).toBe(3);
    // Id order: 3 [0, .5), 4 [.5, .65), 7 [.65, .75), 9 [.75, 1).
    expect(sampleFrom(probs, 0.49, { temperature: 1 })).toBe(3);
    expect(sampleFrom(probs, 0.51, { temperature: 1 })).toBe(4);
    expect(sampleFrom(probs, 0.7, { temperature: 1 })).toBe(7);
    expect(sampleFrom(probs, 0.8, { temperature: 1 })).toBe(9);
    expect(sampleFrom([...probs].reverse(), 0.7, { temperature: 1 })).toBe(7);
    expect(sampleFrom(new Map(probs), 0.7, { temperature: 1 })).toBe(7);
  });

  it("says how far a draw lands from a claimed token's share", () => {
    expect(drawOf(probs, 0.8, { temperature: 1 }, 3)).toEqual({ token: 9, margin: expect.closeTo(0.3, 12) });
    expect(drawOf(probs, 0.8, { temperature: 1 }, 9)).toEqual({ token: 9, margin: 0 });
    expect(drawOf(probs, 0.1, { temperature: 1 }, 7).margin).toBeCloseTo(0.55, 12);
    // Not a candidate under top-k 2: as far as can be.
    expect(drawOf(probs, 0.8, { temperature: 1, topK: 2 }, 4).margin).toBe(1);
  });

  it("moves each token's share by at most noise / T when every log-prob moves by at most noise", () => {
    const eps = 0.01;
    const rand = (i: number) => uniformAt(99, i);
    for (const temperature of [0.5, 0.8, 1.2]) {
      for (let trial = 0; trial < 200; trial++) {
        const base: Array<[number, number]> = Array.from({ length: 12 }, (_, i) => [i, 0.01 + rand(trial * 100 + i)]);
        const moved = base.map(
          ([t, p], i) => [t, p * Math.exp(eps * (2 * rand(trial * 100 + 50 + i) - 1))] as [number, number],
        );
        const u = rand(trial * 100 + 99);
        for (const [t] of base) {
          const a = drawOf(base, u, { temperature }, t).margin;
          const b = drawOf(moved, u, { temperature }, t).margin;
          expect(Math.abs(a - b)).toBeLessThanOrEqual(eps / temperature + 1e-12);
        }
      }
    }
  });

  it("applies top-k, top-p and temperature as documented", () => {
    // top-k 2: {3, 9}, in id order 3 [0, .667), 9 [.667, 1).
    expect(sampleFrom(probs, 0.95, { temperature: 1, topK: 2 })).toBe(9);
    expect(sampleFrom(probs, 0.6, { temperature: 1, topK: 2 })).toBe(3);
    // top-p 0.7: {3, 9} reach .75; renormalised .5/.75 = .667 for token 3.
    expect(sampleFrom(probs, 0.6, { temperature: 1, topP: 0.7 })).toBe(3);
    expect(sampleFrom(probs, 0.7, { temperature: 1, topP: 0.7 })).toBe(9);
    // A low temperature sharpens: at T = 0.25 token 3 has .5^4 / Σ p^4 ≈ 0.933 of the mass, then
    // 4 [.9327, .9402), 7 [.9402, .9417), 9 [.9417, 1).
    expect(sampleFrom(probs, 0.9, { temperature: 0.25 })).toBe(3);
    expect(sampleFrom(probs, 0.94, { temperature: 0.25 })).toBe(4);
    expect(sampleFrom(probs, 0.95, { temperature: 0.25 })).toBe(9);
    expect(() => sampleFrom([[1, 0]], 0.5, { temperature: 1 })).toThrow(/positive probability/);
  });

  it("samples each token about as often as its probability", () => {
    const counts = new Map<number, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const t = sampleFrom(probs, uniformAt(7, i), { temperature: 1 });
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const [token, p] of probs) expect(Math.abs((counts.get(token) ?? 0) / n - p)).toBeLessThan(0.015);
  });
});
