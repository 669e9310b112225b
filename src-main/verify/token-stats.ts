import type { TokenScore } from "../../src-shared/worker-contract.js";

/** What a verifier's re-scoring of one claimed output comes to. */
export interface TokenStats {
  tokens: number;
  /** Claimed tokens the verifier's model ranked k-th or worse (rank ≥ k). */
  outside: number;
  outsideShare: number;
  /** Mean of (top-1 log-prob − claimed log-prob): 0 when every token was the model's first choice. */
  meanGap: number;
  meanLogProb: number;
  /** The largest single gap among tokens outside the top k (0 when there are none). */
  maxOutsideGap: number;
  /** Positions where the verifier redid a seeded draw, and how many of those gave another token. */
  sampledChecked: number;
  offSample: number;
  /** The largest distance of a seeded draw from the claimed token's share (0 when every draw gave it). */
  maxDrawMargin: number;
}

export function tokenStats(positions: readonly TokenScore[], topK: number): TokenStats {
  let outside = 0;
  let gapSum = 0;
  let logProbSum = 0;
  let maxOutsideGap = 0;
  let sampledChecked = 0;
  let offSample = 0;
  let maxDrawMargin = 0;
  for (const p of positions) {
    if (p.drawMargin !== undefined) maxDrawMargin = Math.max(maxDrawMargin, p.drawMargin);
    if (p.sampled !== undefined) {
      sampledChecked++;
      if (!p.sampled) offSample++;
    }
    const gap = Math.max(0, p.topLogProb - p.logProb);
    gapSum += gap;
    logProbSum += p.logProb;
    if (p.rank >= topK) {
      outside++;
      maxOutsideGap = Math.max(maxOutsideGap, gap);
    }
  }
  const n = positions.length;
  return {
    tokens: n,
    outside,
    outsideShare: n > 0 ? outside / n : 0,
    meanGap: n > 0 ? gapSum / n : 0,
    meanLogProb: n > 0 ? logProbSum / n : 0,
    maxOutsideGap,
    sampledChecked,
    offSample,
    maxDrawMargin,
  };
}

/** Per-token gaps, for calibration's mean and spread. */
export function tokenGaps(positions: readonly TokenScore[]): number[] {
  return positions.map((p) => Math.max(0, p.topLogProb - p.logProb));
}

/**
 * P(X ≥ x) for X ~ Binomial(n, p), summed in log space so n in the tens of thousands neither
 * overflows nor underflows.
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, k) built up term by term from k = x.
  let logTerm = logChoose(n, x) + x * logP + (n - x) * logQ;
  let max = logTerm;
  const terms = [logTerm];
  for (let k = x + 1; k <= n; k++) {
    logTerm += Math.log((n - k + 1) / k) + logP - logQ;
    terms.push(logTerm);
    if (logTerm > max) max = logTerm;
    // Past the mode the terms only shrink; stop once they no longer move the sum.
    if (logTerm < max - 40) break;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max) * sum);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
  // Exact sum for small n; Stirling with two correction terms beyond (error < 1e-10 there).
  if (n < 64) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/** One-sided standard normal quantile for a small tail probability (Acklam's rational approximation). */
export function normalQuantileUpper(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  return -normalQuantile(alpha);
}

function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (cs: number[], x: number) => cs.reduce((acc, ci) => acc * x + ci, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
