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
 * candidates sorted likeliest first (ties by lower id) and cut to top-k, reweighted by temperature
 * (p^(1/T), i.e. softmax of logits / T), cut to the smallest set reaching top-p, then the inverse
 * cumulative distribution at u taken in token-id order. Id order, not probability order, so that
 * slightly different probabilities (another backend) move each token's share of [0, 1) only a
 * little instead of swapping near-equal tokens' places. Temperature 0 is the first choice.
 */
export function sampleFrom(
  probabilities: Iterable<readonly [number, number]>,
  u: number,
  opts: Omit<SeededSampling, "seed">,
): number {
  return drawOf(probabilities, u, opts).token;
}

/**
 * The draw and, for `claimed`, how far u falls outside that token's share of [0, 1): 0 when the
 * draw gives it, 1 when it was not a candidate at all. A verifier compares this margin with what
 * numerical noise can shift.
 */
export function drawOf(
  probabilities: Iterable<readonly [number, number]>,
  u: number,
  opts: Omit<SeededSampling, "seed">,
  claimed?: number,
): { token: number; margin: number } {
  const sorted = [...probabilities].filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const firstChoice = sorted[0];
  if (!firstChoice) throw new RangeError("no token has a positive probability");
  if (opts.temperature <= 0)
    return { token: firstChoice[0], margin: claimed === undefined || claimed === firstChoice[0] ? 0 : 1 };
  const k = opts.topK && opts.topK > 0 ? Math.min(opts.topK, sorted.length) : sorted.length;
  // Relative to the first choice's probability, so p^(1/T) cannot underflow for it.
  const p0 = firstChoice[1];
  const weighted = sorted.slice(0, k).map(([t, p]) => [t, Math.pow(p / p0, 1 / opts.temperature)] as const);
  let keep = weighted.length;
  if (opts.topP !== undefined && opts.topP < 1) {
    const all = weighted.reduce((a, [, w]) => a + w, 0);
    let cumulative = 0;
    for (let i = 0; i < weighted.length; i++) {
      cumulative += (weighted[i] as readonly [number, number])[1];
      if (cumulative / all >= opts.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  const candidates = weighted.slice(0, keep).sort((a, b) => a[0] - b[0]);
  const total = candidates.reduce((a, [, w]) => a + w, 0);
  let token = (candidates[candidates.length - 1] as readonly [number, number])[0];
  let margin = claimed === undefined ? 0 : 1;
  let from = 0;
  let picked = false;
  for (const [t, w] of candidates) {
    const to = from + w / total;
    if (!picked && u < to) {
      token = t;
      picked = true;
    }
    if (t === claimed) margin = u < from ? from - u : u >= to ? u - to : 0;
    from = to;
  }
  return { token, margin };
}
