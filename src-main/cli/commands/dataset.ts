import path from "node:path";
import { datasetPaths } from "../../../src-network/dataset/dataset-service.js";
import { exportDataset, type ExportManifest } from "../../../src-network/dataset/dataset-export.js";
import { modelIdOf } from "../../chain/task-views.js";
import { modelNameOf } from "../../miner/model-name.js";
import { loadCatalogue } from "../../models/catalogue-file.js";
import { appDataDir } from "../../paths.js";
import { numberOpt, stringOpt, UsageError, type CommandSpec } from "../command.js";
import { writeResult } from "../output.js";

export const datasetCommand: CommandSpec = {
  name: "dataset",
  summary: "export the dataset the network's background tasks built",
  usage: "export --out FILE [--format jsonl] [--since BLOCK] [--data-dir DIR] [--json]",
  details:
    "Writes one JSON line per settled background task, and FILE.manifest.json (counts, models and the licence of each model's outputs).",
  options: {
    format: { type: "string" },
    since: { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
  },
  optionHelp: {
    format: "jsonl (parquet is not available: no maintained pure-JS Parquet writer is installed)",
    since: "only records settled at or after this block",
    out: "the file to write",
    "data-dir": "the network's data folder (default: the devnet's)",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const [action, ...rest] = args.positionals;
    if (action !== "export" || rest.length > 0)
      throw new UsageError("usage: pouw-miner dataset export --out FILE [--format jsonl] [--since BLOCK]");
    const format = stringOpt(args, "format") ?? "jsonl";
    if (format === "parquet")
      throw new UsageError(
        "--format parquet is not supported yet (no Parquet writer is installed); use --format jsonl",
      );
    if (format !== "jsonl") throw new UsageError(`unknown --format ${format}; use jsonl`);
    const out = path.resolve(stringOpt(args, "out", true));
    const since = numberOpt(args, "since", { min: 0, integer: true });
    const dataDir = path.resolve(stringOpt(args, "data-dir") ?? path.join(appDataDir(), "devnet"));
    const catalogue = await loadCatalogue().catch(() => undefined);
    const known = (catalogue?.models ?? []).map((m) => ({
      modelId: modelIdOf(modelNameOf(m.file)),
      name: m.name,
      license: m.license,
    }));
    const { manifest, manifestPath } = await exportDataset({
      source: datasetPaths(dataDir).file,
      out,
      ...(since !== undefined ? { since } : {}),
      known,
    });
    writeResult(ctx, { out, manifestPath, manifest }, (r) => describe(r.out, r.manifestPath, r.manifest));
  },
};

function describe(out: string, manifestPath: string, m: ExportManifest): string {
  const models =
    m.models.map((x) => `${x.name ?? x.modelId} (${x.records}, licence: ${x.license ?? "unknown"})`).join(", ") ||
    "none";
  return [
    `${m.records} records → ${out}`,
    `models: ${models}`,
    `topics: ${m.topics} in ${Object.keys(m.domains).length} domains`,
    `manifest → ${manifestPath}`,
  ].join("\n");
}
