import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGgufHeader } from "../../src-shared/node/gguf/reader.js";
import {
  TINY_LLAMA_FILE,
  TINY_LLAMA_MEANPOOL_FILE,
  ensureTinyLlamaModel,
  writeTinyLlamaModel,
} from "../../src-shared/node/gguf/tiny-llama.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pouw-tiny-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileHash = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

describe("writeTinyLlamaModel", () => {
  it("writes a small llama GGUF quickly, with the facts the reader reports", async () => {
    const file = join(dir, "tiny.gguf");
    const started = performance.now();
    const written = await writeTinyLlamaModel(file, { contextLength: 512 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(written.bytes).toBeLessThan(1024 * 1024);
    expect(written.bytes).toBe((await stat(file)).size);
    expect(written.sha256).toBe(await fileHash(file));

    const header = await readGgufHeader(file);
    expect(header).toMatchObject({
      architecture: "llama",
      name: "pouw-tiny-llama",
      contextLength: 512,
      embeddingLength: 64,
      blockCount: 2,
      fileType: 0,
      quantization: "F32",
      poolingType: undefined,
      tensorCount: 3 + 2 * 9,
    });
    const names = header.tensors.map((t) => t.name);
    expect(names.slice(0, 3)).toEqual(["token_embd.weight", "output_norm.weight", "output.weight"]);
    for (const part of [
      "attn_q",
      "attn_k",
      "attn_v",
      "attn_output",
      "attn_norm",
      "ffn_gate",
      "ffn_down",
      "ffn_up",
      "ffn_norm",
    ]) {
      expect(names).toContain(`blk.1.${part}.weight`);
    }
    expect(header.tensors.find((t) => t.name === "blk.0.attn_k.weight")?.dims).toEqual([64, 32]);
  });

  it("has a SentencePiece vocabulary with control, byte-fallback and word tokens typed correctly", async () => {
    const header = await readGgufHeader((await writeTinyLlamaModel(join(dir, "vocab.gguf"))).path);
    const tokens = header.metadata["tokenizer.ggml.tokens"] as string[];
    const types = header.metadata["tokenizer.ggml.token_type"] as number[];
    const scores = header.metadata["tokenizer.ggml.scores"] as number[];
    expect(header.metadata["tokenizer.ggml.model"]).toBe("llama");
    expect(tokens.slice(0, 3)).toEqual(["<unk>", "<s>", "</s>"]);
    expect(types.slice(0, 3)).toEqual([2, 3, 3]);
    expect(tokens[3 + 0x41]).toBe("<0x41>");
    expect(types.filter((t) => t === 6)).toHaveLength(256);
    expect(tokens).toContain("▁the");
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(scores).toHaveLength(tokens.length);
    expect(types).toHaveLength(tokens.length);
    expect(header.metadata["tokenizer.ggml.bos_token_id"]).toBe(1);
    expect(header.metadata["tokenizer.ggml.eos_token_id"]).toBe(2);
    expect(header.tensors[0]?.dims).toEqual([64, tokens.length]);
  });

  it("writes byte-identical files for a seed and different ones for another seed", async () => {
    const a = await writeTinyLlamaModel(join(dir, "a.gguf"), { seed: 7 });
    const b = await writeTinyLlamaModel(join(dir, "b.gguf"), { seed: 7 });
    const c = await writeTinyLlamaModel(join(dir, "c.gguf"), { seed: 8 });
    expect(await fileHash(b.path)).toBe(await fileHash(a.path));
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(c.bytes).toBe(a.bytes);
  });

  it("marks the mean-pooling variant so embedding contexts pool", async () => {
    const header = await readGgufHeader((await writeTinyLlamaModel(join(dir, "mean.gguf"), { pooling: "mean" })).path);
    expect(header.poolingType).toBe("mean");
    expect(header.metadata["llama.pooling_type"]).toBe(1);
  });
});

describe("ensureTinyLlamaModel", () => {
  it("writes both variants once, reuses identical files and repairs damaged ones", async () => {
    const target = join(dir, "models");
    const first = await ensureTinyLlamaModel(target);
    expect(first.model.path).toBe(join(target, TINY_LLAMA_FILE));
    expect(first.meanPool.path).toBe(join(target, TINY_LLAMA_MEANPOOL_FILE));
    expect(first.meanPool.sha256).not.toBe(first.model.sha256);
    const firstWrite = (await stat(first.model.path)).mtimeMs;

    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await ensureTinyLlamaModel(target);
    expect(again).toEqual(first);
    expect((await stat(first.model.path)).mtimeMs).toBe(firstWrite);

    await writeFile(first.meanPool.path, "damaged");
    const repaired = await ensureTinyLlamaModel(target);
    expect(await fileHash(repaired.meanPool.path)).toBe(first.meanPool.sha256);
    expect((await readGgufHeader(repaired.meanPool.path)).poolingType).toBe("mean");
  });
});
