import { open } from "node:fs/promises";
import type { DatasetRecord } from "./dataset-record.js";
import { readDataset } from "./dataset-store.js";

/** What the export knows of a model: its on-chain id, its name and the licence its outputs come under. */
export interface KnownModel {
  modelId: string;
  name: string;
  license: string;
}

export interface ExportManifest {
  format: "jsonl";
  source: string;
  since: number | null;
  records: number;
  /** Per model: records, and its name and licence where the catalogue knows the model (else null). */
  models: Array<{ modelId: string; name: string | null; license: string | null; records: number }>;
  domains: Record<string, number>;
  topics: number;
  blocks: { first: number; last: number } | null;
}

export function manifestOf(
  records: readonly DatasetRecord[],
  known: readonly KnownModel[],
  source: string,
  since: number | undefined,
): ExportManifest {
  const byModel = new Map<string, number>();
  const domains: Record<string, number> = {};
  const topics = new Set<string>();
  for (const r of records) {
    byModel.set(r.modelId, (byModel.get(r.modelId) ?? 0) + 1);
    const domain = r.topicId?.split(":")[0] ?? "uncatalogued";
    domains[domain] = (domains[domain] ?? 0) + 1;
    topics.add(r.topicId ?? r.topic);
  }
  const blocks = records.map((r) => r.block);
  return {
    format: "jsonl",
    source,
    since: since ?? null,
    records: records.length,
    models: [...byModel].map(([modelId, n]) => {
      const k = known.find((m) => m.modelId.toLowerCase() === modelId.toLowerCase());
      return { modelId, name: k?.name ?? null, license: k?.license ?? null, records: n };
    }),
    domains,
    topics: topics.size,
    blocks: blocks.length > 0 ? { first: Math.min(...blocks), last: Math.max(...blocks) } : null,
  };
}

/** Writes the records settled at or after `since` to `out` (JSONL, fsync'd) and its manifest beside it. */
export async function exportDataset(opts: {
  source: string;
  out: string;
  since?: number;
  known: readonly KnownModel[];
}): Promise<{ manifest: ExportManifest; manifestPath: string }> {
  const { records } = await readDataset(opts.source);
  const chosen = opts.since === undefined ? records : records.filter((r) => r.block >= (opts.since ?? 0));
  const manifest = manifestOf(chosen, opts.known, opts.source, opts.since);
  const manifestPath = `${opts.out}.manifest.json`;
  await writeSynced(opts.out, chosen.map((r) => JSON.stringify(r) + "\n").join(""));
  await writeSynced(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  return { manifest, manifestPath };
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, "w", 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
