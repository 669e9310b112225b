import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogue, proofOfInferenceModel, roleOf, type CatalogueEntry } from "../../src-shared/catalogue.js";
import { PouwError } from "../../src-shared/errors.js";
import { loadCatalogue } from "../../src-main/models/catalogue-file.js";

const shipped = await loadCatalogue();

function entry(over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    id: "m",
    name: "M",
    family: "llama",
    hfUri: "hf:user/repo/m.gguf",
    file: "m.gguf",
    sizeBytes: 10,
    quantization: "Q4_K_M",
    parameters: 1e9,
    contextLength: 4096,
    ramBytes: 100,
    vramBytes: 100,
    chatTemplate: "chatml",
    embeddings: false,
    license: "MIT",
    ...over,
  };
}
const poi = entry({
  id: "e",
  file: "e.gguf",
  hfUri: "hf:u/r/e.gguf",
  embeddings: true,
  role: "embedding",
  proofOfInference: true,
});

function problem(json: unknown): string {
  try {
    parseCatalogue(json);
  } catch (err) {
    expect(err).toBeInstanceOf(PouwError);
    expect((err as PouwError).code).toBe("CATALOGUE_INVALID");
    expect((err as PouwError).message).not.toContain("\n");
    return (err as PouwError).message;
  }
  throw new Error("expected the catalogue to be rejected");
}

describe("shipped models/catalogue.json", () => {
  it("validates and spans tiny to 8B chat models plus the embedding model", () => {
    const ids = shipped.models.map((m) => m.id);
    for (const id of [
      "stories260k",
      "qwen2.5-0.5b-instruct",
      "qwen2.5-1.5b-instruct",
      "qwen2.5-3b-instruct",
      "qwen2.5-7b-instruct",
      "llama-3.2-1b-instruct",
      "llama-3.2-3b-instruct",
      "llama-3.1-8b-instruct",
      "phi-3.5-mini-instruct",
      "nomic-embed-text-v1.5",
    ]) {
      expect(ids).toContain(id);
    }
    expect(Math.max(...shipped.models.map((m) => m.parameters))).toBeGreaterThanOrEqual(8e9);
  });

  it("marks exactly one embedding model for Proof of Inference", () => {
    const model = proofOfInferenceModel(shipped.models);
    expect(model?.id).toBe("nomic-embed-text-v1.5");
    expect(model?.embeddings).toBe(true);
    expect(roleOf(model!)).toBe("embedding");
  });

  it("downloads from Hugging Face only, with plausible memory figures", () => {
    for (const m of shipped.models) {
      expect(m.hfUri.startsWith("hf:")).toBe(true);
      // Running a model takes at least its weights in memory.
      expect(m.ramBytes).toBeGreaterThanOrEqual(m.sizeBytes);
    }
  });
});

describe("parseCatalogue", () => {
  it("accepts a minimal valid catalogue and infers roles", () => {
    const c = parseCatalogue({ version: 1, models: [entry(), poi] });
    expect(roleOf(c.models[0]!)).toBe("chat");
    expect(roleOf(c.models[1]!)).toBe("embedding");
  });

  it("rejects a bad sha256, a mismatched file name and a URI that is not hf: or http", () => {
    expect(problem({ version: 1, models: [entry({ sha256: "abc" }), poi] })).toMatch(/sha256/);
    expect(problem({ version: 1, models: [entry({ hfUri: "hf:user/repo/other.gguf" }), poi] })).toMatch(/file name/);
    expect(problem({ version: 1, models: [entry({ hfUri: "ftp://x/m.gguf" }), poi] })).toMatch(/hfUri/);
  });

  it("rejects duplicate ids and anything but one embedding Proof-of-Inference model", () => {
    expect(problem({ version: 1, models: [entry(), entry({ file: "n.gguf", hfUri: "hf:u/r/n.gguf" }), poi] })).toMatch(
      /duplicate id/,
    );
    expect(problem({ version: 1, models: [entry()] })).toMatch(/Proof-of-Inference/);
    expect(problem({ version: 1, models: [entry({ proofOfInference: true })] })).toMatch(/embeddings/);
  });

  it("loadCatalogue names the file when it is not JSON", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-cat-"));
    const file = path.join(dir, "catalogue.json");
    await fs.writeFile(file, "{ not json");
    await expect(loadCatalogue(file)).rejects.toMatchObject({
      code: "CATALOGUE_INVALID",
      message: expect.stringContaining(file),
    });
    await expect(loadCatalogue(path.join(dir, "absent.json"))).rejects.toMatchObject({ code: "CATALOGUE_INVALID" });
    await fs.rm(dir, { recursive: true, force: true });
  });
});
