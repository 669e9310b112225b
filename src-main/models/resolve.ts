import fs from "node:fs/promises";
import path from "node:path";
import { findCatalogueEntry, type CatalogueEntry } from "../../src-shared/catalogue.js";
import { PouwError } from "../../src-shared/errors.js";
import { loadCatalogue } from "./catalogue-file.js";
import { readRecordedSha256 } from "./checksum.js";
import { partialBytes } from "./download.js";

export interface ResolvedModel {
  path: string;
  entry?: CatalogueEntry;
}

/**
 * Turns what a user typed (`--model`) into a file: an existing path, a file name in the models
 * folder, or a catalogue id whose download finished and was verified (it has its `.sha256`
 * record). Anything else fails with one line that says what to do next.
 */
export async function resolveModel(
  fileOrId: string,
  modelsDir: string,
  opts: { catalogue?: readonly CatalogueEntry[] } = {},
): Promise<ResolvedModel> {
  const catalogue = opts.catalogue ?? (await loadCatalogue()).models;
  const byFile = (p: string) => catalogue.find((e) => e.file === path.basename(p));

  for (const candidate of candidatePaths(fileOrId, modelsDir)) {
    if (await isFile(candidate)) return { path: candidate, entry: byFile(candidate) };
  }

  const entry = findCatalogueEntry(catalogue, fileOrId);
  if (!entry) {
    if (looksLikePath(fileOrId)) throw new PouwError("MODEL_FILE_MISSING", `model file not found: ${fileOrId}`);
    throw new PouwError("UNKNOWN_MODEL", `unknown model ${fileOrId} (see pouw-miner models)`);
  }

  const filePath = path.join(path.resolve(modelsDir), entry.file);
  if ((await isFile(filePath)) && (await readRecordedSha256(filePath)) !== undefined) return { path: filePath, entry };

  const partial = await partialBytes(modelsDir, entry.file);
  const note = partial > 0 ? ` (a partial download of ${(partial / 1024 ** 2).toFixed(0)} MB will resume)` : "";
  throw new PouwError("MODEL_FILE_MISSING", `model ${entry.id} is not downloaded${note} — run: pouw-miner download ${entry.id}`);
}

function candidatePaths(fileOrId: string, modelsDir: string): string[] {
  const inFolder = path.join(path.resolve(modelsDir), fileOrId);
  if (looksLikePath(fileOrId)) return [...new Set([path.resolve(fileOrId), inFolder])];
  return [];
}

function looksLikePath(s: string): boolean {
  return s.includes("/") || s.includes("\\") || s.toLowerCase().endsWith(".gguf");
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
