import fs from "node:fs/promises";
import path from "node:path";
import { createModelDownloader, type ModelDownloader } from "node-llama-cpp";
import type { CatalogueEntry } from "../../src-shared/catalogue.js";
import { PouwError, firstLine } from "../../src-shared/errors.js";
import type { Progress } from "../../src-shared/progress.js";
import { checkSha256, readRecordedSha256, verifyModelFile, writeRecordedSha256 } from "./checksum.js";
import { createSpeedMeter } from "./speed-meter.js";

/**
 * Model downloads through node-llama-cpp's downloader (ipull underneath). ipull writes into
 * `<file>.partial.ipull` with its chunk map appended, so a download that is cut or cancelled resumes
 * from the last whole chunk (5 MiB) on the next call, with Range requests. A finished transfer is
 * `<file>.partial` until its sha256 checks out (against the catalogue's hash, or recorded on first
 * download — see checksum.ts); only then does it get its real name, so nothing unverified is loaded.
 */
export interface DownloadSource {
  /** `hf:user/repo/file.gguf` or an http(s) URL. */
  uri: string;
  fileName: string;
  sha256?: string;
  sizeBytes?: number;
}

export interface DownloadOptions {
  modelsDir: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** True when a verified copy was already there and nothing was transferred. */
  alreadyPresent: boolean;
}

/** What ipull is given as the file name; it appends IPULL_SUFFIX while the transfer runs. */
export const PARTIAL_SUFFIX = ".partial";
const IPULL_SUFFIX = ".ipull";
const PROGRESS_INTERVAL_MS = 100;

export async function downloadModel(target: CatalogueEntry | DownloadSource, opts: DownloadOptions): Promise<DownloadResult> {
  const src = toSource(target);
  const finalPath = path.join(opts.modelsDir, src.fileName);
  await fs.mkdir(opts.modelsDir, { recursive: true });
  if (opts.signal?.aborted) throw cancelled(src.fileName, 0);

  const present = await existingVerified(finalPath, src, opts);
  if (present) return present;

  // ipull retries unreachable hosts for minutes before giving up; the caller's signal must not wait.
  const starting = createDownloader(src, opts);
  // If the caller gave up first, close the downloader whenever it does appear (keeping its temp file).
  void starting.then(
    async (d) => {
      if (opts.signal?.aborted) await d.cancel({ deleteTempFile: false });
    },
    () => undefined,
  );
  const downloader = await abortable(starting, opts.signal, () => cancelled(src.fileName, 0));
  await transfer(downloader, src.fileName, opts);

  const partialPath = downloader.entrypointFilePath;
  const { size } = await fs.stat(partialPath);
  if (src.sizeBytes !== undefined && size !== src.sizeBytes && src.sha256 === undefined) {
    await fs.rm(partialPath, { force: true });
    throw new PouwError("DOWNLOAD_FAILED", `${src.fileName} is ${size} bytes, expected ${src.sizeBytes} — the file was deleted`);
  }
  const checked = await checkSha256(partialPath, src.sha256, { signal: opts.signal, onProgress: opts.onProgress, recordFor: finalPath });
  await fs.rename(partialPath, finalPath);
  await writeRecordedSha256(finalPath, checked.sha256);
  return { path: finalPath, sha256: checked.sha256, bytes: checked.bytes, alreadyPresent: false };
}

/** Bytes of an interrupted download waiting to be resumed (0 when there is none). */
export async function partialBytes(modelsDir: string, fileName: string): Promise<number> {
  try {
    return (await fs.stat(path.join(modelsDir, fileName + PARTIAL_SUFFIX + IPULL_SUFFIX))).size;
  } catch {
    return 0;
  }
}

function toSource(target: CatalogueEntry | DownloadSource): DownloadSource {
  if ("uri" in target) return target;
  return { uri: target.hfUri, fileName: target.file, sha256: target.sha256, sizeBytes: target.sizeApproximate ? undefined : target.sizeBytes };
}

/**
 * A finished file from an earlier run: verified again (an interrupted verification or a file
 * dropped in by hand must not be trusted blindly). A mismatch deletes it and downloads afresh.
 */
async function existingVerified(finalPath: string, src: DownloadSource, opts: DownloadOptions): Promise<DownloadResult | undefined> {
  try {
    await fs.access(finalPath);
  } catch {
    return undefined;
  }
  const expected = src.sha256 ?? (await readRecordedSha256(finalPath));
  try {
    const v = await verifyModelFile(finalPath, expected, { signal: opts.signal, onProgress: opts.onProgress });
    return { path: finalPath, sha256: v.sha256, bytes: v.bytes, alreadyPresent: true };
  } catch (err) {
    if (err instanceof PouwError && err.code === "CHECKSUM_MISMATCH") return undefined;
    throw err;
  }
}

async function createDownloader(src: DownloadSource, opts: DownloadOptions): Promise<ModelDownloader> {
  const meter = createSpeedMeter();
  let lastReport = 0;
  try {
    return await createModelDownloader({
      modelUri: src.uri,
      dirPath: opts.modelsDir,
      fileName: src.fileName + PARTIAL_SUFFIX,
      // We verify finished files ourselves; ipull's size-only skip would trust a corrupt file.
      skipExisting: false,
      deleteTempFileOnCancel: false,
      parallelDownloads: 1,
      onProgress: ({ totalSize, downloadedSize }) => {
        const now = Date.now();
        const speed = meter.update(downloadedSize, now);
        const done = totalSize > 0 && downloadedSize >= totalSize;
        if (!opts.onProgress || (now - lastReport < PROGRESS_INTERVAL_MS && !done)) return;
        lastReport = now;
        opts.onProgress({
          stage: "download",
          bytes: downloadedSize,
          totalBytes: totalSize > 0 ? totalSize : undefined,
          fraction: totalSize > 0 ? Math.min(1, downloadedSize / totalSize) : undefined,
          speed,
          unit: "bytes",
          etaSeconds: speed > 0 && totalSize > 0 ? Math.max(0, totalSize - downloadedSize) / speed : undefined,
        });
      },
    });
  } catch (err) {
    throw new PouwError("DOWNLOAD_FAILED", `cannot start download of ${src.fileName}: ${firstLine(errorMessage(err))}`, { cause: err });
  }
}

async function transfer(downloader: ModelDownloader, fileName: string, opts: DownloadOptions): Promise<void> {
  try {
    await downloader.download({ signal: opts.signal });
  } catch (err) {
    // Close ipull's file handles but keep the temp file so the next call resumes.
    await downloader.cancel({ deleteTempFile: false }).catch(() => undefined);
    await keepResumable(downloader.entrypointFilePath);
    if (opts.signal?.aborted) throw cancelled(fileName, downloader.downloadedSize);
    throw new PouwError(
      "DOWNLOAD_FAILED",
      `download of ${fileName} failed after ${downloader.downloadedSize} bytes (run again to resume): ${firstLine(errorMessage(err))}`,
      { cause: err },
    );
  }
  if (opts.signal?.aborted) throw cancelled(fileName, downloader.downloadedSize);
}

/**
 * ipull (3.9) renames its temp file to the target name on close whenever its byte counter reached
 * the total — which a cancel racing the last writes can do — leaving an untruncated file with the
 * chunk map still appended. Moving it back to the temp name makes the next call resume from that
 * chunk map instead of mistaking it for a finished download.
 */
export async function keepResumable(partialPath: string): Promise<void> {
  const ipullPath = partialPath + IPULL_SUFFIX;
  const [partial, ipull] = await Promise.all([exists(partialPath), exists(ipullPath)]);
  if (partial && !ipull) await fs.rename(partialPath, ipullPath);
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

function cancelled(fileName: string, bytes: number): PouwError {
  return new PouwError("CANCELLED", `download of ${fileName} cancelled after ${bytes} bytes — run the same command again to resume`);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
