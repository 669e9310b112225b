import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BOS_TOKEN_ID, EOS_TOKEN_ID, FIRST_PIECE_ID, UNK_TOKEN_ID, buildTinyVocab } from "./tiny-llama-vocab.js";
import { encodeGguf } from "./writer.js";
import type { GgufMetadataValue, GgufTensorInput } from "./writer.js";

export interface TinyLlamaOptions {
  seed?: number;
  pooling?: "none" | "mean";
  contextLength?: number;
}

export interface WrittenModel {
  path: string;
  sha256: string;
  bytes: number;
}

export const TINY_LLAMA_DEFAULT_SEED = 1;
export const TINY_LLAMA_FILE = "pouw-tiny-llama.gguf";
export const TINY_LLAMA_MEANPOOL_FILE = "pouw-tiny-llama-meanpool.gguf";

// Shapes follow stories260K: grouped-query attention, so head_count_kv < head_count is exercised too.
const DIMS = { embd: 64, ff: 128, layers: 2, heads: 4, kvHeads: 2 } as const;
const HEAD_DIM = DIMS.embd / DIMS.heads;

/** The tiny model's bytes: a valid llama GGUF with seeded weights. Same options → same bytes. */
export function buildTinyLlamaModel(options: TinyLlamaOptions = {}): Buffer {
  const vocab = buildTinyVocab();
  const u32 = (value: number): GgufMetadataValue => ({ type: "uint32", value });
  const metadata: [string, GgufMetadataValue][] = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "pouw-tiny-llama" }],
    ["general.file_type", u32(0)],
    ["llama.context_length", u32(options.contextLength ?? 2048)],
    ["llama.embedding_length", u32(DIMS.embd)],
    ["llama.feed_forward_length", u32(DIMS.ff)],
    ["llama.attention.head_count", u32(DIMS.heads)],
    ["llama.attention.head_count_kv", u32(DIMS.kvHeads)],
    ["llama.block_count", u32(DIMS.layers)],
    ["llama.rope.dimension_count", u32(HEAD_DIM)],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "array", itemType: "string", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "array", itemType: "float32", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "array", itemType: "int32", value: vocab.tokenTypes }],
    ["tokenizer.ggml.unknown_token_id", u32(UNK_TOKEN_ID)],
    ["tokenizer.ggml.bos_token_id", u32(BOS_TOKEN_ID)],
    ["tokenizer.ggml.eos_token_id", u32(EOS_TOKEN_ID)],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
  ];
  if (options.pooling === "mean") metadata.push(["llama.pooling_type", u32(1)]);
  return encodeGguf({
    metadata,
    tensors: tinyLlamaTensors(vocab.tokens.length, options.seed ?? TINY_LLAMA_DEFAULT_SEED),
  });
}

function tinyLlamaTensors(vocabSize: number, seed: number): GgufTensorInput[] {
  const random = mulberry32(seed);
  // Uniform weights with standard deviation `std`; only + and * so every platform rounds alike.
  const weights = (name: string, dims: number[], std: number): GgufTensorInput => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    const halfWidth = std * Math.sqrt(3);
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * halfWidth;
    return { name, dims, data };
  };
  const ones = (name: string): GgufTensorInput => ({
    name,
    dims: [DIMS.embd],
    data: new Float32Array(DIMS.embd).fill(1),
  });
  const { embd, ff } = DIMS;
  const kvDim = DIMS.kvHeads * HEAD_DIM;
  const inv = (fanIn: number) => 1 / Math.sqrt(fanIn);
  // Sharper-than-init attention and logits keep greedy decoding from settling on one token.
  const output = weights("output.weight", [embd, vocabSize], 0.4);
  // Control and byte tokens get zero logits, below the best word piece, so greedy output runs to the
  // requested length (no early </s>) and decodes to readable text rather than stray UTF-8 bytes.
  output.data.fill(0, 0, FIRST_PIECE_ID * embd);
  const tensors = [weights("token_embd.weight", [embd, vocabSize], 1), ones("output_norm.weight"), output];
  for (let layer = 0; layer < DIMS.layers; layer++) {
    const blk = `blk.${layer}`;
    tensors.push(
      weights(`${blk}.attn_q.weight`, [embd, embd], 2 * inv(embd)),
      weights(`${blk}.attn_k.weight`, [embd, kvDim], 2 * inv(embd)),
      weights(`${blk}.attn_v.weight`, [embd, kvDim], inv(embd)),
      weights(`${blk}.attn_output.weight`, [embd, embd], inv(embd)),
      ones(`${blk}.attn_norm.weight`),
      weights(`${blk}.ffn_gate.weight`, [embd, ff], inv(embd)),
      weights(`${blk}.ffn_down.weight`, [ff, embd], inv(ff)),
      weights(`${blk}.ffn_up.weight`, [embd, ff], inv(embd)),
      ones(`${blk}.ffn_norm.weight`),
    );
  }
  return tensors;
}

/** Small, well-mixed 32-bit PRNG; deterministic for a seed on every platform. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeTinyLlamaModel(filePath: string, options: TinyLlamaOptions = {}): Promise<WrittenModel> {
  const bytes = buildTinyLlamaModel(options);
  await writeAtomically(filePath, bytes);
  return { path: filePath, sha256: sha256(bytes), bytes: bytes.length };
}

/**
 * Writes the tiny model and its mean-pooling twin into `dir` once; later calls (tests, the devnet)
 * reuse files whose bytes already match, so concurrent users never see a half-written model.
 */
export async function ensureTinyLlamaModel(dir: string): Promise<{ model: WrittenModel; meanPool: WrittenModel }> {
  await mkdir(dir, { recursive: true });
  return {
    model: await ensureFile(join(dir, TINY_LLAMA_FILE), buildTinyLlamaModel()),
    meanPool: await ensureFile(join(dir, TINY_LLAMA_MEANPOOL_FILE), buildTinyLlamaModel({ pooling: "mean" })),
  };
}

async function ensureFile(filePath: string, bytes: Buffer): Promise<WrittenModel> {
  const expected = sha256(bytes);
  const existing = await readFile(filePath).catch(() => undefined);
  if (existing === undefined || sha256(existing) !== expected) await writeAtomically(filePath, bytes);
  return { path: filePath, sha256: expected, bytes: bytes.length };
}

async function writeAtomically(filePath: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(filePath), { recursive: true });
  const temp = `${filePath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, filePath);
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
