import { describe, expect, it } from "vitest";
import type { TokenScore } from "../../src-shared/worker-contract.js";
import { judgeTokens, prefixOf } from "../../src-main/verify/token-check.js";
import { binomialUpperTail, normalQuantileUpper, tokenStats } from "../../src-main/verify/token-stats.js";
import { deriveTolerances, type ToleranceEntry } from "../../src-main/verify/tolerances.js";

const first = (logProb = -0.5): TokenScore => ({ logProb, rank: 0, topLogProb: logProb });
const off = (rank: number, gap: number): TokenScore => ({ logProb: -1 - gap, rank, topLogProb: -1 });
const key = {
  modelSha256: "a".repeat(64),
  modelFile: "m.gguf",
  quantization: "F32",
  backend: "cpu",
  temperature: 0,
  sampler: "native" as const,
};

/** Deterministic pseudo-random draws, so the sampled-like runs are the same on every run of the test. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Tokens where a share `rate` are not the first choice, with gaps drawn up to `maxGap`. */
function sampledRun(n: number, rate: number, maxGap: number, rand: () => number): TokenScore[] {
  return Array.from({ length: n }, () => (rand() < rate ? off(1 + Math.floor(rand() * 3), rand() * maxGap) : first()));
}

describe("token statistics", () => {
  it("counts tokens outside the top k and averages the log-prob gap", () => {
    const s = tokenStats([first(), off(0, 0), off(3, 2), off(1, 0.5)], 2);
    expect(s.tokens).toBe(4);
    expect(s.outside).toBe(1);
    expect(s.outsideShare).toBe(0.25);
    expect(s.meanGap).toBeCloseTo((0 + 0 + 2 + 0.5) / 4, 12);
    expect(s.maxOutsideGap).toBeCloseTo(2, 12);
    expect(tokenStats([], 1)).toMatchObject({ tokens: 0, outsideShare: 0, meanGap: 0 });
  });

  it("computes binomial tails that match the exact sum, including far in the tail", () => {
    const exact = (x: number, n: number, p: number) => {
      let sum = 0;
      for (let k = x; k <= n; k++) {
        let c = 1;
        for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
        sum += c * p ** k * (1 - p) ** (n - k);
      }
      return sum;
    };
    for (const [x, n, p] of [
      [1, 10, 0.1],
      [3, 40, 0.05],
      [0, 5, 0.5],
      [20, 60, 0.02],
      [90, 100, 0.5],
    ] as const) {
      expect(binomialUpperTail(x, n, p)).toBeCloseTo(exact(x, n, p), 10);
    }
    expect(binomialUpperTail(5000, 20_000, 0.01)).toBeLessThan(1e-300 + 1e-200);
    expect(binomialUpperTail(200, 20_000, 0.01)).toBeGreaterThan(0.4);
    expect(binomialUpperTail(200, 20_000, 0.01)).toBeLessThan(0.6);
  });

  it("has the normal quantiles of the tables", () => {
    expect(normalQuantileUpper(0.025)).toBeCloseTo(1.959964, 5);
    expect(normalQuantileUpper(0.001)).toBeCloseTo(3.090232, 5);
    expect(normalQuantileUpper(0.3)).toBeCloseTo(0.524401, 5);
    expect(() => normalQuantileUpper(0)).toThrow(RangeError);
  });
});

describe("verdict against calibrated tolerances", () => {
  // Noise as measured on stories260K on the CPU: about 1e-3 between one-at-a-time and batched evaluation.
  const greedy = deriveTolerances(key, [{ positions: Array.from({ length: 2000 }, () => first()), noise: 1e-3 }], {
    topK: 1,
    alpha: 0.001,
  });

  it("derives greedy tolerances from honest runs: no spread, none outside", () => {
    expect(greedy).toMatchObject({
      runs: 1,
      tokens: 2000,
      outside: 0,
      gapMean: 0,
      gapSd: 0,
      maxOutsideGap: 0,
      noise: 1e-3,
    });
  });

  it("greedy: fails one token beyond what numerical noise can flip, however long the output", () => {
    const long = Array.from({ length: 1000 }, () => first());
    const noiseFlip = [...long, off(1, 1.9e-3)];
    expect(judgeTokens({ positions: noiseFlip }, greedy).status).toBe("pass");
    const wrong = [...long, off(1, 2.1e-3)];
    const v = judgeTokens({ positions: wrong }, greedy);
    expect(v).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/^token 1001 is the model's choice 2 .*numerical noise/),
    });
    // Sampled tasks are not held to the first choice.
    expect(judgeTokens({ positions: wrong }, { ...greedy, temperature: 0.8 }).status).toBe("pass");
  });

  it("passes an honest greedy output and one numerical tie, fails a substituted model's tokens", () => {
    expect(judgeTokens({ positions: Array.from({ length: 64 }, () => first()) }, greedy).status).toBe("pass");
    const oneTie = [...Array.from({ length: 63 }, () => first()), off(1, 1e-6)];
    expect(judgeTokens({ positions: oneTie }, greedy).status).toBe("pass");
    // Another model agrees with the first choice often, but not nine times in ten.
    const impostor = sampledRun(64, 0.3, 2, lcg(7));
    const v = judgeTokens({ positions: impostor }, greedy);
    expect(v.status).toBe("fail");
    if (v.status === "fail") expect(v.reason).toMatch(/outside the model's top 1/);
  });

  it("for sampled output, uses the honest spread: honest runs pass, a worse gap fails on the gap test", () => {
    const rand = lcg(42);
    const honestRuns = Array.from({ length: 40 }, () => ({ positions: sampledRun(100, 0.3, 2, rand) }));
    const tol = deriveTolerances({ ...key, temperature: 0.8 }, honestRuns, { topK: 5, alpha: 0.001 });
    expect(tol.gapSd).toBeGreaterThan(0);
    expect(tol.outside).toBe(0);
    const fresh = Array.from({ length: 200 }, () => judgeTokens({ positions: sampledRun(100, 0.3, 2, rand) }, tol));
    expect(fresh.filter((v) => v.status !== "pass").length).toBeLessThanOrEqual(2);
    const worse = judgeTokens({ positions: sampledRun(100, 0.6, 3, rand) }, tol);
    expect(worse.status).toBe("fail");
    if (worse.status === "fail") expect(worse.reason).toMatch(/mean log-prob gap/);
  });

  it("allows one honest outlier in a short output, where the normal approximation alone would flag it", () => {
    const calib = [...Array.from({ length: 3071 }, () => first()), off(1, 6e-4)];
    const tol = deriveTolerances(key, [{ positions: calib, noise: 1e-3 }], { topK: 1, alpha: 0.001 });
    expect(tol.gapSd).toBeGreaterThan(0);
    expect(tol.maxGap).toBeCloseTo(6e-4, 12);
    const oneSpike = [...Array.from({ length: 127 }, () => first()), off(1, 6e-4)];
    expect(tol.gapMean + (normalQuantileUpper(0.001) * tol.gapSd) / Math.sqrt(128)).toBeLessThan(6e-4 / 128);
    expect(judgeTokens({ positions: oneSpike }, tol).status).toBe("pass");
    const manySpikes = Array.from({ length: 128 }, (_, i) => (i % 8 === 0 ? off(1, 6e-4) : first()));
    expect(judgeTokens({ positions: manySpikes }, tol).status).toBe("fail");
  });

  it("seeded tasks: counts tokens the redone draw does not give, and refuses to judge without redone draws", () => {
    const drawn = (ok: boolean): TokenScore => ({ ...off(2, 0.7), sampled: ok });
    const tol = deriveTolerances(
      { ...key, temperature: 0.8, sampler: "seeded" },
      [{ positions: Array.from({ length: 3000 }, () => drawn(true)), noise: 1e-3 }],
      { topK: 10, alpha: 0.001 },
    );
    expect(tol).toMatchObject({ sampler: "seeded", offSample: 0 });
    const honest = [...Array.from({ length: 63 }, () => drawn(true)), drawn(false)];
    expect(judgeTokens({ positions: honest }, tol).status).toBe("pass");
    // Another model's tokens agree with the seeded draw only now and then.
    const impostor = Array.from({ length: 64 }, (_, i) => drawn(i % 3 === 0));
    expect(judgeTokens({ positions: impostor }, tol)).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/not what the seeded draw gives/),
    });
    expect(judgeTokens({ positions: honest.map((p) => ({ ...p, sampled: undefined })) }, tol)).toMatchObject({
      status: "error",
    });
    // One draw that lands further from the claimed token's share than noise can move it: not honest.
    const nearMiss = [...Array.from({ length: 63 }, () => drawn(true)), { ...drawn(false), drawMargin: 0.002 }];
    expect(judgeTokens({ positions: nearMiss }, tol).status).toBe("pass");
    const farMiss = [...Array.from({ length: 63 }, () => drawn(true)), { ...drawn(false), drawMargin: 0.003 }];
    expect(judgeTokens({ positions: farMiss }, tol)).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/^token 64 is 0.00300 away from where the seeded draw lands/),
    });
  });

  it("fails an output that claims to end where the model would not stop", () => {
    const body = Array.from({ length: 30 }, () => first());
    expect(judgeTokens({ positions: body, end: first() }, greedy).status).toBe("pass");
    const v = judgeTokens({ positions: body, end: off(300, 20) }, greedy);
    expect(v.status).toBe("fail");
    if (v.status === "fail") expect(v.reason).toMatch(/end/);
    expect(judgeTokens({ positions: [] }, greedy).status).toBe("fail");
  });

  it("prefixOf keeps the first n tokens and drops the end claim", () => {
    const scored = { positions: [first(), off(2, 1), first()], end: first() };
    expect(prefixOf(scored, 2)).toEqual({ positions: scored.positions.slice(0, 2) });
    expect(prefixOf(scored, 5)).toBe(scored);
  });

  it("a tolerance that saw more honest noise lets more through", () => {
    const noisy: ToleranceEntry = { ...greedy, outside: 100 };
    const twoTies = [...Array.from({ length: 62 }, () => first()), off(1, 1e-6), off(1, 1e-6)];
    expect(judgeTokens({ positions: twoTies }, greedy).status).toBe("fail");
    expect(judgeTokens({ positions: twoTies }, noisy).status).toBe("pass");
  });
});
