import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HardwareProbe } from "../../src-shared/hardware.js";
import { parseCatalogue } from "../../src-shared/catalogue.js";
import { writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { readRecordedSha256 } from "../../src-main/models/checksum.js";
import { IMPORTED_FILE } from "../../src-main/models/imported-models.js";
import { ModelActions } from "../../src-main/models/model-actions.js";

// Issue 17 item 5: a GGUF of the user's own, imported from the Models page, is listed with its fit,
// can be made active, survives a restart and can be deleted.
const catalogue = parseCatalogue({
  version: 1,
  models: [
    {
      id: "embed",
      name: "Embed",
      family: "nomic",
      hfUri: "hf:someone/repo/embed.gguf",
      file: "embed.gguf",
      sizeBytes: 1000,
      quantization: "Q8_0",
      parameters: 1000,
      contextLength: 2048,
      ramBytes: 2000,
      vramBytes: 2000,
      chatTemplate: "none",
      embeddings: true,
      license: "Apache-2.0",
      role: "embedding",
      proofOfInference: true,
    },
  ],
});
const probe: HardwareProbe = {
  gpus: [],
  backend: "cpu",
  cpu: { brand: "cpu", physicalCores: 2, logicalCores: 2 },
  memory: { totalBytes: 16 * 1024 ** 3, freeBytes: 8 * 1024 ** 3 },
  os: { platform: "linux", arch: "x64", release: "6" },
  errors: [],
};

let dir: string;
let modelsDir: string;
const logs: string[] = [];
const actions = () =>
  new ModelActions({
    catalogue,
    modelsDir,
    onDownload: () => undefined,
    onInstalled: () => undefined,
    log: (_l, m) => logs.push(m),
  });

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-import-list-"));
  modelsDir = path.join(dir, "models");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("importing a GGUF of one's own", () => {
  it("copies, hashes and lists it with its fit, quantization and a licence reminder; it resolves as a model to serve", async () => {
    const src = await writeTinyLlamaModel(path.join(dir, "elsewhere", "My-Model-Q8.gguf"));
    const models = actions();
    const row = await models.importFile(src.path, { probe });
    expect(row).toMatchObject({
      id: "My-Model-Q8",
      installed: true,
      active: false,
      role: "chat",
      sizeBytes: src.bytes,
      fit: "cpu",
    });
    expect(row.fitReason).toMatch(/estimated from the file's size/);
    expect(row.license).toMatch(/your own file/);
    expect(row.quantization).toEqual(expect.any(String));
    const copy = path.join(modelsDir, "My-Model-Q8.gguf");
    expect(await readRecordedSha256(copy)).toBe(src.sha256);
    expect(models.importedModel("My-Model-Q8")).toEqual({ id: "My-Model-Q8", name: row.name, path: copy });

    const listed = await models.list({
      active: models.importedModel("My-Model-Q8"),
      report: { probe, fit: [] },
      benchmarks: new Map(),
    });
    expect(listed.filter((r) => r.id === "My-Model-Q8")).toEqual([{ ...row, active: true }]);
  });

  it("keeps the list across a restart and deletes the copy with its record", async () => {
    const src = await writeTinyLlamaModel(path.join(dir, "own.gguf"));
    await actions().importFile(src.path);
    const again = actions();
    expect(again.importedModels().map((m) => m.id)).toEqual(["own"]);
    await expect(again.delete("own", again.importedModel("own"))).rejects.toThrow(/is the active model/);
    expect(await again.delete("own", undefined)).toBe(true);
    expect(again.importedModel("own")).toBeUndefined();
    await expect(fs.access(path.join(modelsDir, "own.gguf"))).rejects.toThrow();
    expect(JSON.parse(await fs.readFile(path.join(modelsDir, IMPORTED_FILE), "utf8")).models).toEqual([]);
    // The source file is the user's and stays.
    await fs.access(src.path);
  });

  it("refuses a file that is not a GGUF in one line, listing nothing", async () => {
    const bad = path.join(dir, "notes.gguf");
    await fs.writeFile(bad, "not a model at all, just some text");
    const models = actions();
    await expect(models.importFile(bad)).rejects.toMatchObject({ code: "MODEL_FILE_INVALID" });
    await expect(models.importFile(path.join(dir, "missing.gguf"))).rejects.toThrow();
    expect(models.importedModels()).toEqual([]);
    expect((await models.list({ benchmarks: new Map() })).map((r) => r.id)).toEqual(["embed"]);
  });
});
