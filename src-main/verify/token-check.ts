import type { TokenScore } from "../../src-shared/worker-contract.js";
import { binomialUpperTail, normalQuantileUpper, tokenStats, type TokenStats } from "./token-stats.js";
import type { ToleranceEntry } from "./tolerances.js";

/**
 * The outcome of checking one claimed output. "fail" is the miner's fault (slash, re-run the
 * slot); "error" is the verifier's (it could not check: neither pay nor slash on its word).
 */
export type Verdict =
  | { status: "pass"; stats: TokenStats; tests: VerdictTests }
  | { status: "fail"; reason: string; stats?: TokenStats; tests?: VerdictTests }
  | { status: "error"; reason: string };

export interface VerdictTests {
  /** P(at least this many tokens outside the top k | honest): small means not honest. */
  outsideTail: number;
  /** The mean gap allowed for this many tokens, or null when the calibration found no spread to test. */
  gapLimit: number | null;
}

export interface ScoredOutput {
  positions: readonly TokenScore[];
  /** The end-of-generation token's score after the last token, when the output claims to have ended there. */
  end?: TokenScore;
}

/**
 * Judges re-scored tokens against calibrated tolerances with three tests, each set to the entry's
 * false-alarm rate alpha:
 *  1. Tokens outside the verifier's top k: under honesty their count is Binomial(n, p), with p the
 *     calibrated rate estimated as (outside + 1) / (tokens + 2) so a calibration that saw none does
 *     not make one numerical tie between backends fatal. Fails when P(X ≥ observed) < alpha.
 *  2. Mean log-prob gap: fails when it exceeds the honest mean by z(alpha) standard errors plus
 *     one honest outlier (the largest gap calibration saw, spread over n): honest gaps are mostly
 *     near zero with rare spikes, so for short outputs the normal approximation alone is too tight.
 *     Skipped when honest runs showed no spread at all (test 1 then counts every token that is not
 *     the first choice).
 *  Seeded tasks also fail any token whose redone draw lands further from the claimed token's
 *     share than numerical noise can move it (a bound, like test 3).
 *  3. Greedy tasks only (temperature 0): every token must be the model's first choice up to
 *     numerical noise. A token outside the top k whose gap exceeds twice the measured noise (the
 *     most each of the two log-probs can move) is not a flipped tie: a bound, not a statistic, so
 *     one such token fails the check however long the output.
 *  4. The claimed end: an output that says it stopped must stop where the model would — within the
 *     top k, or no further below it than noise or honest runs reached in calibration.
 */
export function judgeTokens(scored: ScoredOutput, tol: ToleranceEntry): Verdict {
  const stats = tokenStats(scored.positions, tol.topK);
  if (stats.tokens === 0) return { status: "fail", reason: "the output has no tokens to check" };
  const p = (tol.outside + 1) / (tol.tokens + 2);
  const outsideTail = binomialUpperTail(stats.outside, stats.tokens, p);
  const n = stats.tokens;
  const gapLimit =
    tol.gapSd > 0 ? tol.gapMean + (normalQuantileUpper(tol.alpha) * tol.gapSd) / Math.sqrt(n) + tol.maxGap / n : null;
  const tests: VerdictTests = { outsideTail, gapLimit };
  if (tol.sampler === "seeded") {
    if (stats.sampledChecked < stats.tokens)
      return { status: "error", reason: "the verifier did not redo the seeded draws" };
    // Log-probs that move by at most `noise` move each token's share of [0, 1) by at most
    // tanh(noise / T) ≤ noise / T (shares are in token-id order); checked at twice that.
    const drawLimit = (2 * tol.noise) / Math.max(tol.temperature, 1e-9);
    const far = scored.positions.findIndex((p) => (p.drawMargin ?? 0) > drawLimit);
    if (far >= 0) {
      return {
        status: "fail",
        reason: `token ${far + 1} is ${(scored.positions[far]?.drawMargin ?? 0).toPrecision(3)} away from where the seeded draw lands, beyond the ${drawLimit.toPrecision(2)} numerical noise allows`,
        stats,
        tests,
      };
    }
    const q = (tol.offSample + 1) / (tol.tokens + 2);
    const offTail = binomialUpperTail(stats.offSample, stats.tokens, q);
    if (offTail < tol.alpha) {
      return {
        status: "fail",
        reason: `${stats.offSample} of ${stats.tokens} tokens are not what the seeded draw gives from the model's probabilities (honest rate ${(q * 100).toFixed(2)}%, chance ${offTail.toExponential(1)})`,
        stats,
        tests,
      };
    }
  }
  if (outsideTail < tol.alpha) {
    return {
      status: "fail",
      reason: `${stats.outside} of ${stats.tokens} tokens are outside the model's top ${tol.topK} (honest rate ${(p * 100).toFixed(2)}%, chance ${outsideTail.toExponential(1)})`,
      stats,
      tests,
    };
  }
  if (gapLimit !== null && stats.meanGap > gapLimit) {
    return {
      status: "fail",
      reason: `mean log-prob gap ${stats.meanGap.toFixed(3)} is above the ${gapLimit.toFixed(3)} honest runs allow for ${stats.tokens} tokens`,
      stats,
      tests,
    };
  }
  const noiseLimit = 2 * tol.noise;
  if (tol.temperature === 0) {
    const at = scored.positions.findIndex((p) => p.rank >= tol.topK && gapOf(p) > noiseLimit);
    const p = scored.positions[at];
    if (p) {
      return {
        status: "fail",
        reason: `token ${at + 1} is the model's choice ${p.rank + 1} with a log-prob gap of ${gapOf(p).toPrecision(3)}, beyond the ${noiseLimit.toPrecision(2)} numerical noise allows`,
        stats,
        tests,
      };
    }
  }
  if (scored.end) {
    if (scored.end.rank >= tol.topK && gapOf(scored.end) > Math.max(tol.maxOutsideGap, noiseLimit)) {
      return {
        status: "fail",
        reason: `the output claims to end where the model ranks ending ${scored.end.rank + 1}th`,
        stats,
        tests,
      };
    }
  }
  return { status: "pass", stats, tests };
}

function gapOf(p: TokenScore): number {
  return Math.max(0, p.topLogProb - p.logProb);
}

/** The first n scored tokens (and no end claim): what a check on a shorter output would have seen. */
export function prefixOf(scored: ScoredOutput, n: number): ScoredOutput {
  return n >= scored.positions.length ? scored : { positions: scored.positions.slice(0, n) };
}
