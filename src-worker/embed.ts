import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { PouwError } from "../src-shared/errors.js";
import { normalize } from "../src-shared/similarity.js";
import type { EmbedResult } from "../src-shared/worker-contract.js";

/**
 * Embeds texts one after another and L2-normalises each vector, so callers compare them with a
 * plain dot product / cosine and get the same numbers whatever the model's scale.
 */
export async function embedTexts(
  ctx: LlamaEmbeddingContext,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<EmbedResult> {
  const vectors: number[][] = [];
  for (const text of texts) {
    if (signal?.aborted) throw new PouwError("CANCELLED", "embedding was cancelled");
    const embedding = await ctx.getEmbeddingFor(text).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (/context size|too long|too many tokens/i.test(message)) {
        throw new PouwError(
          "CONTEXT_OVERFLOW",
          `a text is longer than the embedding context: ${message.split("\n")[0]}`,
        );
      }
      throw err;
    });
    vectors.push(normalize(Array.from(embedding.vector)));
  }
  return { vectors, dims: vectors[0]?.length ?? 0 };
}
