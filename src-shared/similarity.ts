/**
 * Vector helpers for Proof of Inference: miners' outputs are embedded, compared by cosine
 * similarity, and the medoid (the output closest to all others) is taken as the consensus.
 */

/** L2-normalised copy of `v`; a zero vector stays zero rather than becoming NaN. */
export function normalize(v: readonly number[]): number[] {
  // Dividing by the largest magnitude first keeps the sum of squares from under- or overflowing.
  const scale = maxAbs(v);
  if (scale === 0 || !Number.isFinite(scale)) return v.map(() => 0);
  let sum = 0;
  for (const x of v) sum += (x / scale) ** 2;
  const norm = Math.sqrt(sum);
  return v.map((x) => x / scale / norm);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. Throws on mismatched lengths. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length (${a.length} vs ${b.length})`);
  const sa = maxAbs(a);
  const sb = maxAbs(b);
  if (sa === 0 || sb === 0 || !Number.isFinite(sa) || !Number.isFinite(sb)) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) / sa;
    const y = (b[i] as number) / sb;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  // Rounding can push |cos| a hair past 1; clamp so callers can rely on the range.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

/**
 * Index of the vector with the highest total similarity to all the others (ties → lowest index).
 * Throws on an empty list: there is no consensus of nothing.
 */
export function medoidIndex(vectors: readonly (readonly number[])[]): number {
  if (vectors.length === 0) throw new RangeError("medoidIndex needs at least one vector");
  const totals = new Array<number>(vectors.length).fill(0);
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      const s = cosineSimilarity(vectors[i] as number[], vectors[j] as number[]);
      totals[i] = (totals[i] as number) + s;
      totals[j] = (totals[j] as number) + s;
    }
  }
  let best = 0;
  for (let i = 1; i < totals.length; i++) if ((totals[i] as number) > (totals[best] as number)) best = i;
  return best;
}
