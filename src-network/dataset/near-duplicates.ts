import { cosineSimilarity } from "../../src-shared/similarity.js";

/** Says whether a new text repeats one already kept; `add` keeps it for later checks. */
export interface NearDuplicates {
  isDuplicate(text: string): Promise<boolean>;
  add(text: string): Promise<void>;
}

/** Lower-cased words with punctuation dropped: what two answers that differ only in spacing or case share. */
export function normalizeText(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Word 3-shingles of a text (a short text is its own single shingle). */
export function shingles(text: string, size = 3): Set<string> {
  const words = normalizeText(text);
  if (words.length <= size) return new Set([words.join(" ")]);
  const out = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(" "));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** The default: shingle Jaccard over normalized text, no model needed. Linear in what is kept; fine for a node's dataset. */
export function shingleDuplicates(threshold = 0.8): NearDuplicates {
  const kept: Set<string>[] = [];
  return {
    isDuplicate: (text) => Promise.resolve(kept.some((k) => jaccard(k, shingles(text)) >= threshold)),
    add: (text) => {
      kept.push(shingles(text));
      return Promise.resolve();
    },
  };
}

export type Embed = (text: string) => Promise<number[]>;

/** With an embedder (the oracle's PoI one): cosine over embeddings, as PoI compares outputs. */
export function embeddingDuplicates(embed: Embed, threshold = 0.95): NearDuplicates {
  const kept: number[][] = [];
  const cache = new Map<string, Promise<number[]>>();
  const vectorOf = (text: string) => {
    let v = cache.get(text);
    if (!v) {
      v = embed(text);
      cache.set(text, v);
    }
    return v;
  };
  return {
    isDuplicate: async (text) => {
      const v = await vectorOf(text);
      return kept.some((k) => cosineSimilarity(k, v) >= threshold);
    },
    add: async (text) => {
      kept.push(await vectorOf(text));
      cache.delete(text);
    },
  };
}
