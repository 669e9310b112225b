import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CatalogueEntry } from "../../src-shared/catalogue.js";
import { writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { writeRecordedSha256 } from "../../src-main/models/checksum.js";
import { resolveModel } from "../../src-main/models/resolve.js";

let modelsDir: string;
const entry: CatalogueEntry = {
  id: "tiny-chat",
  name: "Tiny",
  family: "llama",
  hfUri: "hf:u/r/tiny.gguf",
  file: "tiny.gguf",
  sizeBytes: 1000,
  quantization: "F32",
  parameters: 1e5,
  contextLength: 256,
  ramBytes: 1e6,
  vramBytes: 1e6,
  chatTemplate: "none",
  embeddings: false,
  license: "MIT",
};
const catalogue = [entry];

beforeEach(async () => {
  modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-resolve-"));
});
afterEach(async () => {
  await fs.rm(modelsDir, { recursive: true, force: true });
});

describe("resolveModel", () => {
  it("accepts a path to an existing file, anywhere", async () => {
    await fs.mkdir(path.join(modelsDir, "sub"));
    const elsewhere = await writeTinyLlamaModel(path.join(modelsDir, "sub", "x.gguf"));
    await expect(resolveModel(elsewhere.path, modelsDir, { catalogue })).resolves.toEqual({
      path: elsewhere.path,
      entry: undefined,
    });
  });

  it("finds a bare file name in the models folder and links it to its catalogue entry", async () => {
    await writeTinyLlamaModel(path.join(modelsDir, "tiny.gguf"));
    await expect(resolveModel("tiny.gguf", modelsDir, { catalogue })).resolves.toEqual({
      path: path.join(modelsDir, "tiny.gguf"),
      entry,
    });
  });

  it("resolves a catalogue id once its file is downloaded and verified", async () => {
    const file = await writeTinyLlamaModel(path.join(modelsDir, "tiny.gguf"));
    await expect(resolveModel("tiny-chat", modelsDir, { catalogue })).rejects.toMatchObject({
      code: "MODEL_FILE_MISSING",
      message: "model tiny-chat is not downloaded — run: pouw-miner download tiny-chat",
    });
    await writeRecordedSha256(file.path, file.sha256);
    await expect(resolveModel("tiny-chat", modelsDir, { catalogue })).resolves.toEqual({ path: file.path, entry });
  });

  it("mentions a partial download that will resume", async () => {
    await fs.writeFile(path.join(modelsDir, "tiny.gguf.partial.ipull"), Buffer.alloc(3 * 1024 * 1024));
    await expect(resolveModel("tiny-chat", modelsDir, { catalogue })).rejects.toMatchObject({
      code: "MODEL_FILE_MISSING",
      message: expect.stringMatching(/partial download of 3 MB will resume/),
    });
  });

  it("names unknown ids and missing paths differently", async () => {
    await expect(resolveModel("gpt-9", modelsDir, { catalogue })).rejects.toMatchObject({
      code: "UNKNOWN_MODEL",
      message: "unknown model gpt-9 (see pouw-miner models)",
    });
    await expect(resolveModel("./missing.gguf", modelsDir, { catalogue })).rejects.toMatchObject({
      code: "MODEL_FILE_MISSING",
    });
  });

  it("uses the shipped catalogue when none is passed", async () => {
    await expect(resolveModel("qwen2.5-0.5b-instruct", modelsDir)).rejects.toMatchObject({
      code: "MODEL_FILE_MISSING",
    });
  });
});
