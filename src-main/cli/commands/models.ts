import path from "node:path";
import type { CatalogueEntry } from "../../../src-shared/catalogue.js";
import { fitModels, type Fit } from "../../../src-shared/fit.js";
import type { HardwareProbe } from "../../../src-shared/hardware.js";
import { loadCatalogue } from "../../models/catalogue-file.js";
import { readRecordedSha256 } from "../../models/checksum.js";
import { modelsDir } from "../../paths.js";
import { withWorker } from "../../worker-client/with-worker.js";
import type { CommandSpec } from "../command.js";
import { formatBytes, writeResult } from "../output.js";

interface ModelRow {
  id: string;
  name: string;
  sizeBytes: number;
  quantization: string;
  role: string;
  fit: Fit;
  reason: string;
  gpuLayers?: number;
  downloaded: boolean;
}

interface ModelsOutput {
  backend: HardwareProbe["backend"];
  recommended?: string;
  models: ModelRow[];
}

export const modelsCommand: CommandSpec = {
  name: "models",
  summary: "list the model catalogue with what fits this machine",
  usage: "[--json]",
  details: "Fit is judged from the worker's hardware probe: on the GPU, partly on the GPU, on the CPU, or too large.",
  options: {},
  async run(_args, ctx) {
    const catalogue = await loadCatalogue();
    const probe = await withWorker((worker) => worker.call("probe", {}, { signal: ctx.signal }));
    const report = fitModels(probe, catalogue.models);
    const dir = modelsDir();
    const models = await Promise.all(
      catalogue.models.map(async (entry): Promise<ModelRow> => {
        const fit = report.results.find((r) => r.id === entry.id);
        return {
          id: entry.id,
          name: entry.name,
          sizeBytes: entry.sizeBytes,
          quantization: entry.quantization,
          role: roleLabel(entry),
          fit: fit?.fit ?? "too-large",
          reason: fit?.reason ?? "not judged",
          ...(fit?.gpuLayers !== undefined ? { gpuLayers: fit.gpuLayers } : {}),
          // A finished, verified download leaves a .sha256 record next to the file.
          downloaded: (await readRecordedSha256(path.join(dir, entry.file))) !== undefined,
        };
      }),
    );
    const out: ModelsOutput = {
      backend: probe.backend,
      ...(report.recommended ? { recommended: report.recommended } : {}),
      models,
    };
    writeResult(ctx, out, describeModels);
  },
};

function roleLabel(entry: CatalogueEntry): string {
  if (entry.proofOfInference) return "proof-of-inference";
  return entry.role ?? (entry.embeddings ? "embedding" : "chat");
}

function describeModels(out: ModelsOutput): string {
  const idWidth = Math.max(...out.models.map((m) => m.id.length), 2);
  const lines = out.models.map((m) => {
    const mark = m.id === out.recommended ? "*" : " ";
    const have = m.downloaded ? "downloaded" : "";
    return `${mark} ${m.id.padEnd(idWidth)}  ${formatBytes(m.sizeBytes).padStart(8)}  ${m.fit.padEnd(9)}  ${have.padEnd(10)}  ${m.reason}`;
  });
  const footer = out.recommended
    ? `* recommended for this machine (${out.backend})`
    : `no chat model fits this machine (${out.backend})`;
  return [...lines, "", footer].join("\n");
}
