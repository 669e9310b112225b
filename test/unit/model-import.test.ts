import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { readRecordedSha256 } from "../../src-main/models/checksum.js";
import { importModelFile } from "../../src-main/models/import.js";

let dir: string;
let modelsDir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-import-"));
  modelsDir = path.join(dir, "models");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const realModel = process.env.POUW_TEST_MODEL;
if (!realModel) console.warn("model-import: POUW_TEST_MODEL is unset, so importing a real llama.cpp GGUF is skipped");

describe("importModelFile", () => {
  it.skipIf(!realModel)("imports a real llama.cpp GGUF (POUW_TEST_MODEL) and reads its header", async () => {
    const result = await importModelFile(realModel!, { modelsDir });
    expect(result.header.architecture).toBe("llama");
    expect(result.header.blockCount).toBeGreaterThan(0);
    expect((await fs.stat(result.path)).size).toBe((await fs.stat(realModel!)).size);
  });

  it("copies a valid GGUF into the models folder with its header and a sha256 record", async () => {
    const written = await writeTinyLlamaModel(path.join(dir, "mine.gguf"));
    const result = await importModelFile(written.path, { modelsDir });
    expect(result.path).toBe(path.join(modelsDir, "mine.gguf"));
    expect(result.sha256).toBe(written.sha256);
    expect(result.header.architecture).toBe("llama");
    expect(await readRecordedSha256(result.path)).toBe(written.sha256);
    expect((await fs.readdir(modelsDir)).sort()).toEqual(["mine.gguf", "mine.gguf.sha256"]);
  });

  it("rejects a file that is not GGUF, and copies nothing", async () => {
    const bogus = path.join(dir, "notes.gguf");
    await fs.writeFile(bogus, "these are not model weights, just text that happens to be long enough");
    await expect(importModelFile(bogus, { modelsDir })).rejects.toMatchObject({ code: "MODEL_FILE_INVALID" });
    await expect(fs.readdir(modelsDir)).rejects.toThrow();
  });

  it("rejects a truncated GGUF", async () => {
    const written = await writeTinyLlamaModel(path.join(dir, "whole.gguf"));
    const bytes = await fs.readFile(written.path);
    const cut = path.join(dir, "cut.gguf");
    await fs.writeFile(cut, bytes.subarray(0, 100));
    await expect(importModelFile(cut, { modelsDir })).rejects.toMatchObject({ code: "MODEL_FILE_INVALID" });
  });

  it("fails with MODEL_FILE_MISSING for a path that does not exist", async () => {
    await expect(importModelFile(path.join(dir, "nope.gguf"), { modelsDir })).rejects.toMatchObject({
      code: "MODEL_FILE_MISSING",
    });
  });

  it("refuses to overwrite a different model of the same name, but re-importing the same file is fine", async () => {
    await fs.mkdir(path.join(dir, "a"));
    await fs.mkdir(path.join(dir, "b"));
    const a = await writeTinyLlamaModel(path.join(dir, "a", "model.gguf"), { seed: 1 });
    const b = await writeTinyLlamaModel(path.join(dir, "b", "model.gguf"), { seed: 2 });
    await importModelFile(a.path, { modelsDir });
    await expect(importModelFile(a.path, { modelsDir })).resolves.toMatchObject({ sha256: a.sha256 });
    await expect(importModelFile(b.path, { modelsDir })).rejects.toMatchObject({ code: "INVALID_PARAMS" });
    await expect(importModelFile(b.path, { modelsDir, fileName: "model-b.gguf" })).resolves.toMatchObject({
      sha256: b.sha256,
    });
  });

  it("checks an expected sha256 and leaves nothing behind on mismatch", async () => {
    const written = await writeTinyLlamaModel(path.join(dir, "m.gguf"));
    await expect(importModelFile(written.path, { modelsDir, expectedSha256: "0".repeat(64) })).rejects.toMatchObject({
      code: "CHECKSUM_MISMATCH",
    });
    expect(await fs.readdir(modelsDir)).toEqual([]);
  });
});
