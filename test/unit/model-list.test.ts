import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HardwareReport } from "../../src-shared/app-views.js";
import { parseCatalogue } from "../../src-shared/catalogue.js";
import { ModelActions } from "../../src-main/models/model-actions.js";

const entry = (id: string, sizeBytes: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.toUpperCase(),
  family: "qwen2.5",
  hfUri: `hf:someone/repo/${id}.gguf`,
  file: `${id}.gguf`,
  sizeBytes,
  quantization: "Q4_K_M",
  parameters: sizeBytes * 2,
  contextLength: 4096,
  ramBytes: sizeBytes * 2,
  vramBytes: sizeBytes * 2,
  chatTemplate: "chatml",
  embeddings: false,
  license: "Apache-2.0",
  role: "chat",
  ...extra,
});

const catalogue = parseCatalogue({
  version: 1,
  models: [
    entry("small", 1e9, { description: "the small one" }),
    entry("big", 4e9, { license: "Qwen Research License" }),
    entry("embed", 1e8, {
      embeddings: true,
      role: "embedding",
      proofOfInference: true,
      chatTemplate: "none",
      quantization: "Q8_0",
    }),
  ],
});
const report = (fits: Record<string, "gpu" | "cpu" | "too-large">): HardwareReport => ({
  probe: {
    gpus: [],
    backend: "cpu",
    cpu: { brand: "cpu", physicalCores: 2, logicalCores: 2 },
    memory: { totalBytes: 16e9, freeBytes: 8e9 },
    os: { platform: "linux", arch: "x64", release: "6" },
    errors: [],
  },
  fit: Object.entries(fits).map(([id, fit]) => ({ id, fit, reason: `${fit} here` })),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "model-list-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the Models page's list", () => {
  const actions = () =>
    new ModelActions({
      catalogue,
      modelsDir: dir,
      onDownload: () => undefined,
      onInstalled: () => undefined,
      log: () => undefined,
    });

  it("carries each entry's quantization, licence, description and the speed expected here", async () => {
    const benchmarks = new Map([["small", { modelId: "small", tokensPerSecond: 20, at: 0 }]]);
    const rows = await actions().list({ report: report({ small: "cpu", big: "cpu", embed: "too-large" }), benchmarks });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get("small")).toMatchObject({
      quantization: "Q4_K_M",
      license: "Apache-2.0",
      description: "the small one",
      expectedSpeed: { tokensPerSecond: 20, source: "measured" },
    });
    expect(byId.get("big")).toMatchObject({
      license: "Qwen Research License",
      expectedSpeed: { tokensPerSecond: 5, source: "estimated" },
    });
    expect(byId.get("embed")?.quantization).toBe("Q8_0");
    expect(byId.get("embed")?.expectedSpeed).toBeUndefined();
  });

  it("lists a model outside the catalogue with its measured speed and nothing it does not know", async () => {
    const benchmarks = new Map([["mine", { modelId: "mine", tokensPerSecond: 7, at: 0 }]]);
    const rows = await actions().list({ active: { id: "mine", name: "Mine", path: "/x/mine.gguf" }, benchmarks });
    const mine = rows.find((r) => r.id === "mine");
    expect(mine).toEqual({
      id: "mine",
      name: "Mine",
      installed: true,
      active: true,
      benchmark: benchmarks.get("mine"),
      expectedSpeed: { tokensPerSecond: 7, source: "measured" },
    });
  });
});
