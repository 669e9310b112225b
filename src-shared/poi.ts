import { cosineSimilarity, medoidIndex } from "./similarity.js";

/** Basis points: 10,000 = identical direction. Scores are what an oracle submits on chain. */
export const BPS = 10_000;

/**
 * Scores are rounded to this step before submission. Oracles on different hardware (CPU vs GPU
 * kernels) compute embeddings that differ in the last bits; a coarse step makes m honest oracles
 * land on the same result hash. A score right at a step boundary can still split them — see
 * docs/protocol.md, "known limits".
 */
export const SCORE_STEP_BPS = 100;

export interface PoiResult {
  /** Slot index of the consensus output (the medoid of the revealed outputs). */
  medoidSlot: number;
  /** One score per slot, in basis points; 0 for a slot that revealed nothing. */
  scoresBps: number[];
}

/**
 * Proof of Inference for one task: each revealed output's embedding is compared with the medoid's
 * (the output most similar to all others), so the majority defines "correct" without a reference
 * answer. `embeddings[i]` is null when slot i revealed nothing.
 */
export function computePoi(embeddings: ReadonlyArray<readonly number[] | null>): PoiResult {
  const revealed = embeddings.flatMap((e, slot) => (e ? [{ slot, e }] : []));
  if (revealed.length === 0) return { medoidSlot: -1, scoresBps: embeddings.map(() => 0) };
  const medoid = revealed[medoidIndex(revealed.map((r) => r.e))]!;
  const scoresBps = embeddings.map((e) => (e ? toScore(cosineSimilarity(e, medoid.e)) : 0));
  return { medoidSlot: medoid.slot, scoresBps };
}

function toScore(cosine: number): number {
  const bps = Math.max(0, Math.min(BPS, cosine * BPS));
  return Math.round(bps / SCORE_STEP_BPS) * SCORE_STEP_BPS;
}
