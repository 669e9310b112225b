import { createHash } from "node:crypto";
import { PouwError } from "../../src-shared/errors.js";
import type { Embedder } from "../../src-network/oracle/embedder.js";

const DIMS = 256;

/**
 * A deterministic stand-in for the embedding model: bag-of-words counts hashed into a fixed number
 * of buckets. Identical texts get identical vectors (cosine 1, score 10000); texts sharing no words
 * are (nearly) orthogonal. `calls` counts embed requests, so tests can see work was not repeated.
 */
export class BagOfWordsEmbedder implements Embedder {
  calls = 0;
  /** Like a real model's context: a longer text fails with CONTEXT_OVERFLOW (no limit by default). */
  constructor(private readonly maxChars = Infinity) {}

  async embed(texts: string[]): Promise<number[][]> {
    this.calls++;
    const long = texts.find((t) => t.length > this.maxChars);
    if (long !== undefined)
      throw new PouwError(
        "CONTEXT_OVERFLOW",
        `a text of ${long.length} characters is longer than the embedding context (${this.maxChars})`,
      );
    return texts.map(bagOfWords);
  }
}

function bagOfWords(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const bucket = createHash("sha256").update(word).digest().readUInt32BE(0) % DIMS;
    v[bucket] = (v[bucket] ?? 0) + 1;
  }
  return v;
}
