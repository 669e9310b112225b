/**
 * A SentencePiece-style ("llama") vocabulary for the tiny test model: control tokens, the 256
 * byte-fallback tokens (so any text tokenizes) and a few hundred English pieces, laid out like the
 * real TinyStories models (stories260K.gguf).
 */

/** llama_token_type values that llama.cpp reads from tokenizer.ggml.token_type. */
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export const UNK_TOKEN_ID = 0;
export const BOS_TOKEN_ID = 1;
export const EOS_TOKEN_ID = 2;
/** Ids below this are control and byte-fallback tokens. */
export const FIRST_PIECE_ID = 3 + 256;

const WORDS = [
  "the",
  "and",
  "to",
  "a",
  "was",
  "he",
  "she",
  "it",
  "of",
  "in",
  "that",
  "said",
  "is",
  "for",
  "on",
  "you",
  "with",
  "his",
  "her",
  "they",
  "day",
  "one",
  "big",
  "little",
  "time",
  "play",
  "happy",
  "friend",
  "mom",
  "dad",
  "dog",
  "cat",
  "ball",
  "tree",
  "sun",
  "went",
  "saw",
  "had",
  "very",
  "so",
  "but",
  "there",
  "not",
  "what",
  "all",
  "be",
  "go",
  "can",
  "like",
  "see",
  "look",
  "want",
  "help",
  "find",
  "run",
  "jump",
  "fun",
  "toy",
  "park",
  "home",
  "good",
  "new",
  "red",
  "blue",
  "green",
  "boy",
  "girl",
  "name",
  "Lily",
  "Tim",
  "Once",
  "upon",
  "The",
  "She",
  "He",
  "They",
  "One",
  "proof",
  "work",
  "model",
  "token",
  "block",
  "miner",
  "chain",
];

const CHARS = "etaoinshrdlucmfwygpbvkxjqzTSLHOIBMAWJYFDCNEPRKGVUQZX0123456789.,!?'\"-:;()";

export interface TinyVocab {
  tokens: string[];
  scores: number[];
  tokenTypes: number[];
}

export function buildTinyVocab(): TinyVocab {
  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const scores: number[] = [0, 0, 0];
  const tokenTypes: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    scores.push(0);
    tokenTypes.push(TOKEN_TYPE.byte);
  }
  // SentencePiece merges only into pieces that exist, so every prefix of "▁word" is a piece too;
  // earlier pieces score higher and win merges, single characters come last as in trained vocabularies.
  const pieces = new Set<string>();
  for (const word of WORDS) {
    const spaced = `▁${word}`;
    for (let end = 2; end <= spaced.length; end++) pieces.add(spaced.slice(0, end));
  }
  pieces.add("▁");
  for (const char of CHARS) pieces.add(char);
  let rank = 0;
  for (const piece of pieces) {
    tokens.push(piece);
    scores.push(-rank++);
    tokenTypes.push(TOKEN_TYPE.normal);
  }
  return { tokens, scores, tokenTypes };
}
