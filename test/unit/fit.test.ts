import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roleOf, type CatalogueEntry } from "../../src-shared/catalogue.js";
import { HEADROOM, fitModels, fitOne } from "../../src-shared/fit.js";
import type { HardwareProbe } from "../../src-shared/hardware.js";
import { loadCatalogue } from "../../src-main/models/catalogue-file.js";

const GiB = 1024 ** 3;
const shipped = (await loadCatalogue()).models;

function probe(opts: {
  ramFree: number;
  vramFree?: number;
  cores?: number;
  backend?: HardwareProbe["backend"];
}): HardwareProbe {
  const gpu = opts.vramFree !== undefined;
  return {
    gpus: gpu ? [{ vendor: "NVIDIA", model: "Test GPU", vramBytes: opts.vramFree, backend: "cuda" }] : [],
    backend: opts.backend ?? (gpu ? "cuda" : "cpu"),
    vram: gpu ? { total: opts.vramFree!, used: 0, free: opts.vramFree! } : undefined,
    cpu: { brand: "Test CPU", physicalCores: opts.cores ?? 8, logicalCores: (opts.cores ?? 8) * 2 },
    memory: { totalBytes: opts.ramFree * 2, freeBytes: opts.ramFree },
    os: { platform: "linux", arch: "x64", release: "6" },
    errors: [],
  };
}

function model(id: string, gib: number, over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    id,
    name: id,
    family: "llama",
    hfUri: `hf:u/r/${id}.gguf`,
    file: `${id}.gguf`,
    sizeBytes: gib * GiB * 0.8,
    quantization: "Q4_K_M",
    parameters: gib * 1.3e9,
    layers: 32,
    contextLength: 4096,
    ramBytes: gib * GiB,
    vramBytes: gib * GiB,
    chatTemplate: "chatml",
    embeddings: false,
    license: "MIT",
    role: "chat",
    ...over,
  };
}

describe("fitOne", () => {
  it("keeps 20% headroom: a model needing exactly the free memory does not fit", () => {
    const m = model("m", 4);
    expect(fitOne(probe({ ramFree: 4 * GiB }), m).fit).toBe("too-large");
    expect(fitOne(probe({ ramFree: 4 * GiB * HEADROOM }), m).fit).toBe("cpu");
    expect(fitOne(probe({ ramFree: 64 * GiB, vramFree: 4 * GiB }), m).fit).toBe("partial");
    expect(fitOne(probe({ ramFree: 64 * GiB, vramFree: 4 * GiB * HEADROOM }), m).fit).toBe("gpu");
  });

  it("splits a model that is too big for VRAM, with a layer count in proportion", () => {
    const r = fitOne(probe({ ramFree: 64 * GiB, vramFree: 4.8 * GiB }), model("m", 8));
    expect(r.fit).toBe("partial");
    expect(r.gpuLayers).toBe(Math.floor(32 * (4.8 / (8 * HEADROOM))));
    expect(r.reason).toMatch(/GPU/);
  });

  it("does not call a sliver of VRAM a partial offload", () => {
    expect(fitOne(probe({ ramFree: 64 * GiB, vramFree: 0.2 * GiB }), model("m", 8)).fit).toBe("cpu");
  });

  it("ignores VRAM when node-llama-cpp runs on the CPU backend", () => {
    expect(fitOne(probe({ ramFree: 64 * GiB, vramFree: 80 * GiB, backend: "cpu" }), model("m", 8)).fit).toBe("cpu");
  });

  it("says why a model is too large", () => {
    const r = fitOne(probe({ ramFree: 2 * GiB }), model("big", 8));
    expect(r.fit).toBe("too-large");
    expect(r.reason).toMatch(/needs 9\.6 GiB RAM/);
    expect(fitOne(probe({ ramFree: 0.01 * GiB }), model("small", 0.1)).reason).toMatch(/needs 123 MiB RAM/);
  });
});

describe("fitModels recommendation", () => {
  const catalogue = [
    model("tiny", 0.1, { role: "test", parameters: 1e6 }),
    model("small", 1),
    model("medium", 3),
    model("large", 6),
    model("embed", 0.3, { role: "embedding", embeddings: true, proofOfInference: true }),
  ];

  it("picks the largest chat model that fits fully on the GPU", () => {
    const report = fitModels(probe({ ramFree: 32 * GiB, vramFree: 5 * GiB }), catalogue);
    expect(report.recommended).toBe("medium");
    expect(report.results.map((r) => r.id)).toEqual(catalogue.map((m) => m.id));
  });

  it("without a GPU, picks the largest model the cores can drive", () => {
    // 2 cores: a 1.3B model is within budget, a 3.9B one would crawl.
    expect(fitModels(probe({ ramFree: 32 * GiB, cores: 2 }), catalogue).recommended).toBe("small");
    expect(fitModels(probe({ ramFree: 32 * GiB, cores: 16 }), catalogue).recommended).toBe("large");
  });

  it("never recommends the embedding or test model as the chat model", () => {
    const report = fitModels(probe({ ramFree: 0.5 * GiB }), catalogue);
    expect(report.results.find((r) => r.id === "embed")?.fit).toBe("cpu");
    expect(report.recommended).toBeUndefined();
  });

  it("on the shipped catalogue, always recommends a runnable chat model or nothing", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 256, noNaN: true }),
        fc.option(fc.double({ min: 0.1, max: 96, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 1, max: 64 }),
        (ramGiB, vramGiB, cores) => {
          const p = probe({
            ramFree: ramGiB * GiB,
            vramFree: vramGiB === undefined ? undefined : vramGiB * GiB,
            cores,
          });
          const report = fitModels(p, shipped);
          expect(report.results).toHaveLength(shipped.length);
          if (report.recommended === undefined) {
            expect(
              report.results
                .filter((r) => r.fit !== "too-large")
                .map((r) => shipped.find((m) => m.id === r.id)!)
                .some((m) => roleOf(m) === "chat"),
            ).toBe(false);
            return;
          }
          const chosen = shipped.find((m) => m.id === report.recommended)!;
          expect(roleOf(chosen)).toBe("chat");
          expect(report.results.find((r) => r.id === chosen.id)?.fit).not.toBe("too-large");
        },
      ),
    );
  });
});
