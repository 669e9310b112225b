import { PouwError } from "../../src-shared/errors.js";
import type { Embedder } from "./embedder.js";

const isOverflow = (err: unknown) => err instanceof PouwError && err.code === "CONTEXT_OVERFLOW";

/**
 * Scores what the embedder can hold: a text longer than its context is cut to the longest prefix
 * (in code points) that embeds, instead of failing the whole PoI. Every oracle with the pinned
 * embedding model cuts at the same place, so their votes still agree. Texts that fit cost one call.
 */
export function fittingEmbedder(inner: Embedder): Embedder {
  return {
    async embed(texts: string[]): Promise<number[][]> {
      try {
        return await inner.embed(texts);
      } catch (err) {
        if (!isOverflow(err)) throw err;
      }
      const vectors: number[][] = [];
      for (const text of texts) vectors.push(await embedPrefix(inner, text));
      return vectors;
    },
  };
}

async function tryEmbed(inner: Embedder, text: string): Promise<number[] | undefined> {
  try {
    return (await inner.embed([text]))[0];
  } catch (err) {
    if (isOverflow(err)) return undefined;
    throw err;
  }
}

/** Binary search for the longest prefix that fits: about log2(length) embed calls. */
async function embedPrefix(inner: Embedder, text: string): Promise<number[]> {
  const chars = Array.from(text);
  const whole = await tryEmbed(inner, text);
  if (whole) return whole;
  let fits = 0;
  let fitsVector: number[] | undefined;
  let fails = chars.length;
  while (fails - fits > 1) {
    const mid = Math.floor((fits + fails) / 2);
    const v = await tryEmbed(inner, chars.slice(0, mid).join(""));
    if (v) [fits, fitsVector] = [mid, v];
    else fails = mid;
  }
  if (!fitsVector)
    throw new PouwError("CONTEXT_OVERFLOW", "not even one character of the output fits the embedding context");
  return fitsVector;
}
