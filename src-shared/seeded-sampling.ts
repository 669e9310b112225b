/**
 * Sampling done in JavaScript over the model's probabilities, so a verifier can redo it: the same
 * seed, position and probabilities give the same token on every platform. Only integer mixing
 * (Math.imul, shifts) feeds the random draw and the arithmetic on probabilities is plain IEEE
 * doubles in a fixed order, so nothing here depends on the CPU, GPU or llama.cpp build; what can
 * differ between backends is only the probabilities themselves, which the verifier measures.
 */

export interface SeededSampling {
  seed: number;
  temperature: number;
  topK?: number;
  topP?: number;
}

/** A uniform draw in [0, 1) for output position `position` of a task with `seed` (splitmix32-style mixing). */
export function uniformAt(seed: number, position: number): number {
  let h = (seed >>> 0) ^ Math.imul(position + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * The token sampled from `probabilities` (token → probability, any order) with draw `u`:
 * candidates sorted likeliest first (ties by lower id), cut to top-k, reweighted by temperature
 * (p^(1/T), i.e. softmax of logits / T), cut to the smallest set reaching top-p, then the inverse
 * cumulative distribution at u. Temperature 0 is the first choice.
 */
export function sampleFrom(probabilities: Iterable<readonly [number, number]>, u: number, opts: Omit<SeededSampling, "seed">): number {
  const sorted = [...probabilities].filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const firstChoice = sorted[0];
  if (!firstChoice) throw new RangeError("no token has a positive probability");
  if (opts.temperature <= 0) return firstChoice[0];
  const k = opts.topK && opts.topK > 0 ? Math.min(opts.topK, sorted.length) : sorted.length;
  const top = sorted.slice(0, k);
  // Relative to the first choice's probability, so p^(1/T) cannot underflow for it.
  const p0 = firstChoice[1];
  const weights = top.map(([, p]) => Math.pow(p / p0, 1 / opts.temperature));
  let total = weights.reduce((a, w) => a + w, 0);
  let keep = weights.length;
  if (opts.topP !== undefined && opts.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i] as number;
      if (cumulative / total >= opts.topP) {
        keep = i + 1;
        break;
      }
    }
    total = weights.slice(0, keep).reduce((a, w) => a + w, 0);
  }
  const target = u * total;
  let cumulative = 0;
  for (let i = 0; i < keep; i++) {
    cumulative += weights[i] as number;
    if (target < cumulative) return (top[i] as readonly [number, number])[0];
  }
  return (top[keep - 1] as readonly [number, number])[0];
}
