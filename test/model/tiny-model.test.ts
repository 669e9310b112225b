import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLlama } from "node-llama-cpp";
import type { Llama, LlamaModel, Token } from "node-llama-cpp";
import { EOS_TOKEN_ID, FIRST_PIECE_ID } from "../../src-shared/node/gguf/tiny-llama-vocab.js";
import { tinyMeanPoolModelPath, tinyModelPath } from "../helpers/tiny-model.js";

const PROMPT = "Once upon a time, Lily saw a big dog.";
const TOKENS = 24;

// The same greedy generation, run in a fresh process to prove the output does not depend on the process.
// It runs from a file: node-llama-cpp re-spawns process.execArgv to test its binary, which --eval breaks.
const childScript = (nodeLlamaUrl: string) => `
import { getLlama } from ${JSON.stringify(nodeLlamaUrl)};
const llama = await getLlama({ build: "never", gpu: false });
const model = await llama.loadModel({ modelPath: process.env.TINY_MODEL_PATH });
const context = await model.createContext({ threads: 1, contextSize: 256 });
const tokens = [];
for await (const token of context.getSequence().evaluate(model.tokenize(process.env.TINY_PROMPT), { temperature: 0 })) {
  tokens.push(token);
  if (tokens.length >= Number(process.env.TINY_TOKENS)) break;
}
process.stdout.write(JSON.stringify(tokens) + "\\n");
await context.dispose();
await model.dispose();
await llama.dispose();
`;

let llama: Llama;
let model: LlamaModel;
let scriptDir: string;
const children = new Set<number>();

beforeAll(async () => {
  scriptDir = await mkdtemp(join(tmpdir(), "pouw-tiny-gen-"));
  await writeFile(join(scriptDir, "generate.mjs"), childScript(import.meta.resolve("node-llama-cpp")));
  llama = await getLlama({ build: "never", gpu: false });
  model = await llama.loadModel({ modelPath: await tinyModelPath() });
});

afterAll(async () => {
  for (const pid of children) process.kill(pid, "SIGKILL");
  await model?.dispose();
  await llama?.dispose();
  await rm(scriptDir, { recursive: true, force: true });
});

async function generate(): Promise<Token[]> {
  const context = await model.createContext({ threads: 1, contextSize: 256 });
  try {
    const tokens: Token[] = [];
    for await (const token of context.getSequence().evaluate(model.tokenize(PROMPT), { temperature: 0 })) {
      tokens.push(token);
      if (tokens.length >= TOKENS) break;
    }
    return tokens;
  } finally {
    await context.dispose();
  }
}

function generateInChildProcess(modelPath: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(scriptDir, "generate.mjs")], {
      cwd: process.cwd(),
      env: { ...process.env, TINY_MODEL_PATH: modelPath, TINY_PROMPT: PROMPT, TINY_TOKENS: String(TOKENS) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) children.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (child.pid !== undefined) children.delete(child.pid);
      if (code !== 0) return reject(new Error(`generator process exited with ${code}: ${stderr.trim()}`));
      const line = stdout.trim().split("\n").at(-1) ?? "";
      resolve(JSON.parse(line) as number[]);
    });
  });
}

describe("project-written tiny llama model", () => {
  it("loads in node-llama-cpp and generates varied tokens greedily", async () => {
    const tokens = await generate();
    expect(tokens.length).toBeGreaterThanOrEqual(16);
    expect(new Set(tokens).size).toBeGreaterThanOrEqual(8);
    expect(model.detokenize(tokens).trim().length).toBeGreaterThan(0);
    expect(await generate()).toEqual(tokens);
  });

  it("tokenizes any text, falling back to byte tokens, and detokenizes it back", () => {
    const text = "Once upon a time, Zoë found 3 € coins 🙂 — 世界!";
    const tokens = model.tokenize(text);
    expect(tokens.some((token) => token > EOS_TOKEN_ID && token < FIRST_PIECE_ID)).toBe(true);
    expect(model.detokenize(tokens)).toBe(text);
    expect(model.tokenize("the")).toHaveLength(1);
  });

  it("generates identical tokens in two separate processes", async () => {
    const path = await tinyModelPath();
    const first = await generateInChildProcess(path);
    const second = await generateInChildProcess(path);
    expect(first.length).toBe(TOKENS);
    expect(second).toEqual(first);
    expect(first).toEqual(await generate());
  });

  it("gives a deterministic, text-dependent embedding from the mean-pooling variant", async () => {
    const embeddingModel = await llama.loadModel({ modelPath: await tinyMeanPoolModelPath() });
    const context = await embeddingModel.createEmbeddingContext({ threads: 1, contextSize: 256 });
    try {
      const embed = async (text: string) => (await context.getEmbeddingFor(text)).vector;
      const a = await embed("The little dog saw the sun.");
      expect(a).toHaveLength(64);
      expect(a.every(Number.isFinite)).toBe(true);
      // node-llama-cpp returns the raw mean-pooled vector (not unit length); callers normalize it.
      const norm = Math.hypot(...a);
      expect(norm).toBeGreaterThan(0.01);
      const unit = a.map((x) => x / norm);
      expect(Math.hypot(...unit)).toBeCloseTo(1, 6);
      expect(await embed("The little dog saw the sun.")).toEqual(a);
      const b = await embed("A big tree in the park.");
      const cosine = b.reduce((sum, x, i) => sum + x * unit[i]!, 0) / Math.hypot(...b);
      expect(cosine).toBeLessThan(0.999);
    } finally {
      await context.dispose();
      await embeddingModel.dispose();
    }
  });
});
