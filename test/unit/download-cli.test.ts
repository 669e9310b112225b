import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogueEntry } from "../../src-shared/catalogue.js";
import { buildTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { runCli } from "../../src-main/cli/main.js";
import { startFileServer, type FileServer } from "../helpers/http-file-server.js";

const MiB = 1024 * 1024;
const tiny = buildTinyLlamaModel();
const big = randomBytes(12 * MiB);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let server: FileServer;
let dir: string;
let modelsDir: string;
const savedEnv = process.env.POUW_CATALOGUE;

function entry(id: string, file: string, over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    id,
    name: id,
    family: "llama",
    hfUri: server.url(file),
    file,
    sizeBytes: tiny.length,
    quantization: "F32",
    parameters: 1e5,
    contextLength: 256,
    ramBytes: 1e6,
    vramBytes: 1e6,
    chatTemplate: "none",
    embeddings: false,
    license: "MIT",
    ...over,
  };
}

beforeAll(async () => {
  server = await startFileServer({
    "tiny.gguf": tiny,
    "bad.gguf": tiny,
    "huge.gguf": tiny,
    "emb.gguf": tiny,
    "big.gguf": big,
  });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-dlcli-"));
  modelsDir = path.join(dir, "models");
  const catalogue = {
    version: 1,
    models: [
      entry("tiny", "tiny.gguf", { sha256: sha(tiny) }),
      entry("bad-sum", "bad.gguf", { sha256: "0".repeat(64) }),
      entry("huge", "huge.gguf", { ramBytes: os.totalmem() * 2 }),
      entry("big", "big.gguf", { sha256: sha(big), sizeBytes: big.length }),
      entry("emb", "emb.gguf", { embeddings: true, proofOfInference: true }),
    ],
  };
  await fs.writeFile(path.join(dir, "catalogue.json"), JSON.stringify(catalogue));
  process.env.POUW_CATALOGUE = path.join(dir, "catalogue.json");
});
afterAll(async () => {
  if (savedEnv === undefined) delete process.env.POUW_CATALOGUE;
  else process.env.POUW_CATALOGUE = savedEnv;
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function cli(
  args: string[],
  signal?: AbortSignal,
  onStdoutLine?: (line: string) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runCli(["download", ...args, "--models-dir", modelsDir], {
    stdout: sink((s) => {
      stdout += s;
      for (const line of s.split("\n")) if (line.trim() !== "") onStdoutLine?.(line);
    }),
    stderr: sink((s) => (stderr += s)),
    signal,
  });
  return { code, stdout, stderr };
}

describe("pouw-miner download", () => {
  it("--json prints progress lines and ends with one result line", async () => {
    const { code, stdout } = await cli(["tiny", "--json"]);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      id: "tiny",
      sha256: sha(tiny),
      bytes: tiny.length,
      alreadyPresent: false,
    });
    expect(lines.slice(0, -1).every((l) => l.type === "progress" && l.id === "tiny")).toBe(true);
    expect(lines.some((l) => l.stage === "verify")).toBe(true);
    expect(await fs.readFile(path.join(modelsDir, "tiny.gguf"))).toEqual(tiny);
  });

  it("says so when the model is already there", async () => {
    const { code, stdout } = await cli(["tiny"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/already downloaded and verified/);
  });

  it("fails with one line and exit 1 for an unknown id, a bad checksum and a model too big for memory", async () => {
    for (const [id, pattern] of [
      ["nope", /^pouw-miner: unknown model nope \(see pouw-miner models\)\n$/],
      ["bad-sum", /^pouw-miner: checksum mismatch for bad\.gguf: .* the file was deleted\n$/],
      ["huge", /^pouw-miner: model huge needs about .* of memory but this machine has .*--force.*\n$/],
    ] as const) {
      const { code, stderr } = await cli([id]);
      expect(code, id).toBe(1);
      expect(stderr.trim().split("\n").at(-1) + "\n", id).toMatch(pattern);
    }
    await expect(fs.access(path.join(modelsDir, "bad.gguf"))).rejects.toThrow();
  });

  it("exits 2 on bad usage", async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(["a", "b"])).code).toBe(2);
  });

  it("Ctrl-C keeps the partial download and the next run resumes it", async () => {
    // Slow enough that the small last chunk is saved before the abort at 9 MiB (see download.test.ts).
    server.setKnobs({ bytesPerSecond: 8 * MiB });
    const controller = new AbortController();
    const first = await cli(["big", "--json"], controller.signal, (line) => {
      const event = JSON.parse(line) as { type: string; bytes?: number };
      if (event.type === "progress" && (event.bytes ?? 0) > 9 * MiB) controller.abort();
    });
    expect(first.code).toBe(1);
    const last = JSON.parse(first.stdout.trim().split("\n").at(-1)!) as {
      type: string;
      error: { code: string; message: string };
    };
    expect(last).toMatchObject({
      type: "error",
      error: { code: "CANCELLED", message: expect.stringMatching(/resume/) },
    });

    server.setKnobs({});
    const second = await cli(["big"]);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^resuming big\.gguf/);
    expect(second.stdout).toMatch(/^downloaded big/);
  });
});
