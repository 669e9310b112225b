import { rm } from "node:fs/promises";
import path from "node:path";
import type { BenchmarkResultView, DownloadView, HardwareReport, ModelListEntry } from "../../src-shared/app-views.js";
import { findCatalogueEntry, type Catalogue, type CatalogueEntry } from "../../src-shared/catalogue.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import { fitModels } from "../../src-shared/fit.js";
import type { HardwareProbe } from "../../src-shared/hardware.js";
import { expectedSpeed, type SpeedReference } from "../../src-shared/speed-estimate.js";
import type { StoredBenchmark } from "../../src-shared/worker-contract.js";
import { readRecordedSha256, recordPath } from "./checksum.js";
import { downloadModel, PARTIAL_SUFFIX } from "./download.js";
import { importModelFile } from "./import.js";
import { ImportedModels, importedId, importedListEntry } from "./imported-models.js";

/** The model the miner serves: a catalogue entry, or a file given on the command line. */
export interface ActiveModel {
  id: string;
  name: string;
  path: string;
}

export function benchmarkView(id: string, b: StoredBenchmark): BenchmarkResultView {
  return { modelId: id, tokensPerSecond: b.tokensPerSecond, at: Date.parse(b.at), threads: b.threads };
}

export function hardwareReport(probe: HardwareProbe, catalogue: Catalogue): HardwareReport {
  const fit = fitModels(probe, catalogue.models);
  return {
    probe,
    fit: fit.results.map((r) => ({ id: r.id, fit: r.fit, reason: r.reason })),
    ...(fit.recommended ? { recommended: fit.recommended } : {}),
  };
}

/**
 * The catalogue as this machine sees it: which models are downloaded (a verified file, i.e. with
 * its `.sha256` record), which one is active, how each fits, and its benchmark. Downloads run in the
 * background, one per model, cancellable, and report through `onDownload`.
 */
export class ModelActions {
  private readonly running = new Map<string, AbortController>();
  private readonly imported: ImportedModels;

  constructor(
    private readonly opts: {
      catalogue: Catalogue;
      modelsDir: string;
      onDownload(id: string, view: DownloadView | undefined): void;
      onInstalled(entry: CatalogueEntry): void;
      log(level: "info" | "warn" | "error", message: string): void;
    },
  ) {
    this.imported = new ImportedModels(opts.modelsDir);
  }

  get modelsDir(): string {
    return this.opts.modelsDir;
  }

  catalogueIds(): string[] {
    return this.opts.catalogue.models.map((m) => m.id);
  }

  entry(id: string): CatalogueEntry {
    const entry = findCatalogueEntry(this.opts.catalogue.models, id);
    if (!entry) throw new PouwError("UNKNOWN_MODEL", `unknown model ${id} (not in the catalogue)`);
    return entry;
  }

  pathOf(entry: CatalogueEntry): string {
    return path.join(this.opts.modelsDir, entry.file);
  }

  /** A model the user imported, as the miner serves it; undefined for anything else. */
  importedModel(id: string): ActiveModel | undefined {
    const m = this.imported.find(id);
    return m ? { id: m.id, name: m.name, path: this.imported.pathOf(m) } : undefined;
  }

  importedModels(): ActiveModel[] {
    return this.imported.all().map((m) => ({ id: m.id, name: m.name, path: this.imported.pathOf(m) }));
  }

  /**
   * Copies a GGUF the user has into the models folder (validated, hashed: import.ts) and lists it.
   * A file that is a catalogue entry's file becomes that entry, installed.
   */
  async importFile(srcPath: string, opts: { probe?: HardwareProbe; signal?: AbortSignal } = {}): Promise<ModelListEntry> {
    const catalogued = this.opts.catalogue.models.find((e) => e.file === path.basename(srcPath));
    const result = await importModelFile(srcPath, {
      modelsDir: this.opts.modelsDir,
      ...(catalogued?.sha256 ? { expectedSha256: catalogued.sha256 } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const file = path.basename(result.path);
    if (catalogued) {
      this.opts.log("info", `imported ${catalogued.name} from ${srcPath}`);
      this.opts.onInstalled(catalogued);
      const rows = await this.list({ benchmarks: new Map() });
      return rows.find((r) => r.id === catalogued.id)!;
    }
    const h = result.header;
    const model = {
      id: importedId(file),
      name: h.name?.trim() || importedId(file),
      file,
      sha256: result.sha256,
      sizeBytes: h.fileBytes,
      ...(h.quantization ? { quantization: h.quantization } : {}),
      ...(h.parameterCount > 0 ? { parameters: h.parameterCount } : {}),
      ...(h.blockCount ? { layers: h.blockCount } : {}),
      importedAt: Date.now(),
    };
    await this.imported.add(model);
    this.opts.log("info", `imported ${model.name} (${file}) from ${srcPath}`);
    return importedListEntry(model, { active: false, ...(opts.probe ? { probe: opts.probe } : {}) });
  }

  async installed(entry: CatalogueEntry): Promise<boolean> {
    return (await readRecordedSha256(this.pathOf(entry))) !== undefined;
  }

  async list(opts: { active?: ActiveModel; report?: HardwareReport; benchmarks: ReadonlyMap<string, BenchmarkResultView> }): Promise<ModelListEntry[]> {
    const fitOf = (id: string) => opts.report?.fit.find((f) => f.id === id);
    const references = this.opts.catalogue.models.flatMap((e): SpeedReference[] => {
      const bench = opts.benchmarks.get(e.id);
      const fit = fitOf(e.id)?.fit;
      return bench && fit ? [{ sizeBytes: e.sizeBytes, tokensPerSecond: bench.tokensPerSecond, fit }] : [];
    });
    const rows = await Promise.all(
      this.opts.catalogue.models.map(async (e): Promise<ModelListEntry> => {
        const fit = fitOf(e.id);
        const bench = opts.benchmarks.get(e.id);
        const speed = expectedSpeed({ sizeBytes: e.sizeBytes, fit: fit?.fit, measuredTokensPerSecond: bench?.tokensPerSecond }, references);
        return {
          id: e.id,
          name: e.name,
          installed: await this.installed(e),
          active: opts.active?.id === e.id,
          ...(e.role ? { role: e.role } : {}),
          sizeBytes: e.sizeBytes,
          parameters: e.parameters,
          ...(fit ? { fit: fit.fit, fitReason: fit.reason } : {}),
          ...(opts.report ? { recommended: opts.report.recommended === e.id } : {}),
          ...(bench ? { benchmark: bench } : {}),
          quantization: e.quantization,
          license: e.license,
          ...(e.description ? { description: e.description } : {}),
          ...(speed ? { expectedSpeed: speed } : {}),
        };
      }),
    );
    for (const m of this.imported.all()) {
      if (rows.some((r) => r.id === m.id)) continue;
      const bench = opts.benchmarks.get(m.id);
      const row = importedListEntry(m, { active: opts.active?.id === m.id, ...(opts.report ? { probe: opts.report.probe } : {}) });
      rows.push({ ...row, ...(bench ? { benchmark: bench, expectedSpeed: { tokensPerSecond: bench.tokensPerSecond, source: "measured" as const } } : {}) });
    }
    const a = opts.active;
    if (a && !rows.some((r) => r.id === a.id)) {
      // A model file given on the command line, outside the catalogue.
      const bench = opts.benchmarks.get(a.id);
      rows.push({
        id: a.id,
        name: a.name,
        installed: true,
        active: true,
        ...(bench ? { benchmark: bench, expectedSpeed: { tokensPerSecond: bench.tokensPerSecond, source: "measured" as const } } : {}),
      });
    }
    return rows;
  }

  /** Starts (or resumes) a download; false when one for this model is already running. */
  start(id: string): boolean {
    const entry = this.entry(id);
    if (this.running.has(id)) return false;
    const controller = new AbortController();
    this.running.set(id, controller);
    this.opts.onDownload(id, { state: "running", progress: { stage: "download", fraction: 0 } });
    this.opts.log("info", `downloading ${entry.name}`);
    void downloadModel(entry, {
      modelsDir: this.opts.modelsDir,
      signal: controller.signal,
      onProgress: (progress) => {
        if (!controller.signal.aborted) this.opts.onDownload(id, { state: "running", progress });
      },
    }).then(
      (result) => {
        this.running.delete(id);
        this.opts.onDownload(id, { state: "done", progress: { stage: "done", fraction: 1, bytes: result.bytes, totalBytes: result.bytes } });
        this.opts.log("info", `${entry.name} is downloaded and verified (${result.bytes} bytes)`);
        this.opts.onInstalled(entry);
      },
      (err: unknown) => {
        this.running.delete(id);
        const e = toErrorShape(err);
        if (e.code === "CANCELLED" || controller.signal.aborted) {
          this.opts.onDownload(id, { state: "cancelled" });
          this.opts.log("info", `download of ${entry.name} cancelled; it resumes from where it stopped`);
        } else {
          this.opts.onDownload(id, { state: "error", error: e.message });
          this.opts.log("error", `download of ${entry.name} failed: ${e.message}`);
        }
      },
    );
    return true;
  }

  cancel(id: string): boolean {
    this.entry(id);
    const controller = this.running.get(id);
    controller?.abort();
    return controller !== undefined;
  }

  /** Deletes the file, its checksum record and any partial download. */
  async delete(id: string, active: ActiveModel | undefined): Promise<boolean> {
    const own = this.importedModel(id);
    if (own) {
      if (active?.id === id) throw new PouwError("INVALID_PARAMS", `${own.name} is the active model; choose another one before deleting it`);
      for (const p of [own.path, recordPath(own.path)]) await rm(p, { force: true });
      await this.imported.remove(id);
      this.opts.log("info", `deleted ${own.name}`);
      return true;
    }
    const entry = this.entry(id);
    if (active?.id === id) throw new PouwError("INVALID_PARAMS", `${entry.name} is the active model; choose another one before deleting it`);
    if (this.running.has(id)) throw new PouwError("ALREADY_RUNNING", `${entry.name} is downloading; cancel it first`);
    const had = await this.installed(entry);
    const file = this.pathOf(entry);
    for (const p of [file, recordPath(file), file + PARTIAL_SUFFIX, `${file}${PARTIAL_SUFFIX}.ipull`]) await rm(p, { force: true });
    this.opts.onDownload(id, undefined);
    if (had) this.opts.log("info", `deleted ${entry.name}`);
    return had;
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }
}
