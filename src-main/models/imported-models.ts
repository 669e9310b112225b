import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ModelListEntry } from "../../src-shared/app-views.js";
import { fitOne } from "../../src-shared/fit.js";
import type { HardwareProbe } from "../../src-shared/hardware.js";
import { writeFileAtomic } from "../storage/atomic-file.js";
import { modelNameOf } from "../miner/model-name.js";

/**
 * GGUF files the user imported (src-main/models/import.ts copies, validates and hashes them): kept
 * in `imported-models.json` beside them, so the Models page lists them after a restart. Their id is
 * the file's name without `.gguf`, the same name the miner declares on chain for any file.
 */
export const ImportedModel = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    file: z.string().regex(/^[^/\\]+\.gguf$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().nonnegative(),
    quantization: z.string().optional(),
    parameters: z.number().nonnegative().optional(),
    layers: z.number().int().positive().optional(),
    importedAt: z.number().nonnegative(),
  })
  .strict();
export type ImportedModel = z.infer<typeof ImportedModel>;
const ImportedFile = z.object({ version: z.literal(1), models: z.array(ImportedModel) }).strict();

export const IMPORTED_FILE = "imported-models.json";
const MiB = 1024 ** 2;

/**
 * Memory to run a model known only by its file: the weights plus a margin for a 4096-token KV cache
 * and buffers. Rougher than a catalogue entry's measured figures, and said to be an estimate.
 */
export function estimatedMemoryBytes(fileBytes: number): number {
  return Math.ceil(fileBytes * 1.1) + 256 * MiB;
}

export function importedId(file: string): string {
  return modelNameOf(file);
}

/** An imported model as the Models page lists it, with its fit on this machine when the probe is known. */
export function importedListEntry(m: ImportedModel, opts: { active: boolean; probe?: HardwareProbe }): ModelListEntry {
  const memory = estimatedMemoryBytes(m.sizeBytes);
  const fit = opts.probe ? fitOne(opts.probe, { id: m.id, ramBytes: memory, vramBytes: memory, layers: m.layers }) : undefined;
  return {
    id: m.id,
    name: m.name,
    installed: true,
    active: opts.active,
    role: "chat",
    sizeBytes: m.sizeBytes,
    ...(m.parameters !== undefined ? { parameters: m.parameters } : {}),
    ...(fit ? { fit: fit.fit, fitReason: `${fit.reason} (estimated from the file's size)` } : {}),
    ...(m.quantization ? { quantization: m.quantization } : {}),
    license: "your own file: check its licence allows paid use",
    description: `Imported from your computer (sha256 ${m.sha256.slice(0, 12)}…).`,
  };
}

/** The list on disk; a missing or unreadable file is an empty list (the GGUF files stay where they are). */
export class ImportedModels {
  private models: ImportedModel[];

  constructor(private readonly modelsDir: string) {
    this.models = readList(path.join(modelsDir, IMPORTED_FILE));
  }

  all(): readonly ImportedModel[] {
    return this.models;
  }

  find(id: string): ImportedModel | undefined {
    return this.models.find((m) => m.id === id);
  }

  pathOf(m: ImportedModel): string {
    return path.join(this.modelsDir, m.file);
  }

  async add(m: ImportedModel): Promise<void> {
    this.models = [...this.models.filter((x) => x.id !== m.id), m];
    await this.save();
  }

  async remove(id: string): Promise<void> {
    this.models = this.models.filter((m) => m.id !== id);
    await this.save();
  }

  private save(): Promise<void> {
    return writeFileAtomic(path.join(this.modelsDir, IMPORTED_FILE), JSON.stringify({ version: 1, models: this.models }, null, 2));
  }
}

function readList(file: string): ImportedModel[] {
  try {
    const parsed = ImportedFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data.models : [];
  } catch {
    return [];
  }
}
