import fs from "node:fs/promises";
import os from "node:os";
import { findCatalogueEntry, type CatalogueEntry } from "../../../src-shared/catalogue.js";
import { PouwError } from "../../../src-shared/errors.js";
import { HEADROOM } from "../../../src-shared/fit.js";
import type { Progress } from "../../../src-shared/progress.js";
import { loadCatalogue } from "../../models/catalogue-file.js";
import { downloadModel, partialBytes, type DownloadResult } from "../../models/download.js";
import { modelsDir as defaultModelsDir } from "../../paths.js";
import { UsageError, stringOpt, type CliContext, type CommandSpec } from "../command.js";
import { endProgress, formatBytes, progressBar, writeProgress, writeResult } from "../output.js";

/** Without a terminal, one progress line a second is plenty for a log. */
const LOG_INTERVAL_MS = 1000;

export const downloadCommand: CommandSpec = {
  name: "download",
  summary: "download a model from the catalogue, with progress",
  usage: "<id> [--models-dir DIR] [--force] [--json]",
  details: [
    "Downloads into the models folder and checks the file's sha256 before it can be used.",
    "Ctrl-C stops the download and keeps what arrived: run the same command again to resume.",
    "Ids are listed by `pouw-miner models`.",
  ].join("\n"),
  options: { "models-dir": { type: "string" }, force: { type: "boolean" } },
  optionHelp: {
    "models-dir": "where model files live (default: the app's models folder, or $POUW_MODELS_DIR)",
    force: "download even when the model needs more memory than this machine has",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const [id, ...extra] = args.positionals;
    if (!id) throw new UsageError("missing model id (see pouw-miner models)");
    if (extra.length > 0) throw new UsageError(`download takes one model id, got ${args.positionals.length}`);
    const modelsDir = stringOpt(args, "models-dir") ?? defaultModelsDir();

    const entry = findCatalogueEntry((await loadCatalogue()).models, id);
    if (!entry) throw new PouwError("UNKNOWN_MODEL", `unknown model ${id} (see pouw-miner models)`);
    if (args.values.force !== true) checkMemory(entry);
    await checkDiskSpace(entry, modelsDir);

    const resumeFrom = await partialBytes(modelsDir, entry.file);
    if (resumeFrom > 0 && !ctx.json)
      ctx.stderr.write(`resuming ${entry.file} (${formatBytes(resumeFrom)} already here)\n`);
    const report = progressReporter(ctx, entry);
    let result: DownloadResult;
    try {
      result = await downloadModel(entry, { modelsDir, signal: ctx.signal, onProgress: report });
    } finally {
      endProgress(ctx);
    }
    writeResult(ctx, { id: entry.id, ...result }, (r) =>
      r.alreadyPresent
        ? `${r.id} is already downloaded and verified: ${r.path}`
        : `downloaded ${r.id} (${formatBytes(r.bytes)}, sha256 ${r.sha256.slice(0, 16)}…) to ${r.path}`,
    );
  },
};

function checkMemory(entry: CatalogueEntry): void {
  const need = entry.ramBytes * HEADROOM;
  const total = os.totalmem();
  if (need > total) {
    throw new PouwError(
      "MODEL_TOO_LARGE",
      `model ${entry.id} needs about ${formatBytes(need)} of memory but this machine has ${formatBytes(total)} (use --force to download anyway)`,
    );
  }
}

async function checkDiskSpace(entry: CatalogueEntry, modelsDir: string): Promise<void> {
  await fs.mkdir(modelsDir, { recursive: true });
  const stats = await fs.statfs(modelsDir).catch(() => undefined);
  if (!stats) return;
  const free = stats.bavail * stats.bsize;
  const missing = entry.sizeBytes - (await partialBytes(modelsDir, entry.file));
  if (missing > free) {
    throw new PouwError(
      "DOWNLOAD_FAILED",
      `not enough disk space for ${entry.id}: needs ${formatBytes(missing)}, ${formatBytes(free)} free in ${modelsDir}`,
    );
  }
}

function progressReporter(ctx: CliContext, entry: CatalogueEntry): (p: Progress) => void {
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  return (p) => {
    const now = Date.now();
    const final = p.fraction === 1;
    if (!ctx.json && !tty && now - last < LOG_INTERVAL_MS && !final) return;
    last = now;
    writeProgress(ctx, { id: entry.id, ...p }, () => humanLine(entry, p));
  };
}

export function humanLine(entry: CatalogueEntry, p: Progress): string {
  const parts = [`${p.stage === "verify" ? "verifying " : "downloading"} ${entry.id}`, progressBar(p.fraction ?? 0)];
  if (p.bytes !== undefined)
    parts.push(p.totalBytes ? `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes));
  if (p.speed) parts.push(`${formatBytes(p.speed)}/s`);
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) && p.fraction !== 1)
    parts.push(`ETA ${formatEta(p.etaSeconds)}`);
  return parts.join("  ");
}

function formatEta(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
