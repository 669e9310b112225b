import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import {
  CancellationToken,
  HttpExecutor,
  configureRequestOptions,
  configureRequestUrl,
  type DownloadOptions,
} from "builder-util-runtime";
// electron-updater's own feed parsing and file choice (these modules load no Electron).
import { findFile, parseUpdateInfo, resolveFiles } from "electron-updater/out/providers/Provider.js";
import { getChannelFilename, newUrlFromBase } from "electron-updater/out/util.js";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import type { DownloadProgress, UpdateBackend, UpdateRelease } from "./backend.js";
import { downloadError, messageOf } from "./download-errors.js";
import { hasSha512, type UpdateStore } from "./update-store.js";
import { isNewer, isVersion } from "./versions.js";

/**
 * builder-util-runtime's HttpExecutor over node:http(s), as electron-updater's ElectronHttpExecutor
 * is over Electron's net: its doDownload pipes the response through ProgressCallbackTransform and
 * DigestTransform (sha512, checked when the stream ends) into the file.
 */
class NodeHttpExecutor extends HttpExecutor<http.ClientRequest> {
  private last: http.ClientRequest | undefined;

  createRequest(options: http.RequestOptions, callback: (response: http.IncomingMessage) => void): http.ClientRequest {
    this.last = (options.protocol === "http:" ? http : https).request(options, callback);
    return this.last;
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: http.RequestOptions = {};
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      const callback = (error: Error | null) => (error ? reject(error) : resolve(destination));
      this.doDownload(requestOptions, { destination, options, onCancel, callback, responseHandler: null }, 0);
      const request = this.last;
      onCancel(() => request?.destroy());
    });
  }
}

/** What the feed's latest*.yml must hold for us to act on it. */
const FeedInfo = z.object({
  version: z.string().refine(isVersion, "version is not a semver version"),
  files: z.array(z.object({ url: z.string().min(1), sha512: z.string().min(1), size: z.number().optional() })).min(1),
  releaseDate: z.string().optional(),
});

export interface FeedBackendOptions {
  /** The generic feed's folder: latest-linux.yml / latest.yml / latest-mac.yml and the installers beside them. */
  feedUrl: string;
  currentVersion: string;
  store: UpdateStore;
  /** Runs the verified installer (quitting the app); the Electron shell has electron-updater do it. */
  install(file: string, release: UpdateRelease, opts?: { restart?: boolean }): void | Promise<void>;
  platform?: "linux" | "win32" | "darwin";
  arch?: string;
}

/** The installer format electron-updater picks per platform (AppImageUpdater, NsisUpdater, MacUpdater). */
const INSTALLER: Record<"linux" | "win32" | "darwin", { ext: string; not?: string[] }> = {
  linux: { ext: "AppImage", not: ["rpm", "deb", "pacman"] },
  win32: { ext: "exe" },
  darwin: { ext: "zip" },
};

/**
 * The plain-Node update backend: electron-builder's generic feed over HTTP(S). A download streams to
 * `<data>/updates/<version>/<file>.partial`, is checked against the feed's sha512 as it ends, and only
 * then takes its final name; a mismatch deletes it and fails CHECKSUM_MISMATCH, so nothing unverified
 * is ever "downloaded" and an earlier verified download is left as it was.
 */
export class FeedBackend implements UpdateBackend {
  readonly keepsEarlierDownload = true;
  private readonly executor = new NodeHttpExecutor();
  private readonly base: URL;
  private readonly platform: "linux" | "win32" | "darwin";

  constructor(private readonly o: FeedBackendOptions) {
    // As electron-updater's newBaseUrl: a folder URL, so file names resolve inside it.
    this.base = new URL(o.feedUrl);
    if (!this.base.pathname.endsWith("/")) this.base.pathname += "/";
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(this.base.hostname);
    if (this.base.protocol !== "https:" && !(this.base.protocol === "http:" && loopback)) {
      throw new PouwError(
        "INVALID_PARAMS",
        `the update feed must be https (plain http only on this computer): ${o.feedUrl}`,
      );
    }
    const p = o.platform ?? process.platform;
    this.platform = p === "win32" || p === "darwin" ? p : "linux";
  }

  /** latest.yml on Windows, latest-mac.yml on macOS, latest-linux.yml (latest-linux-<arch>.yml off x64) on Linux. */
  get channelFile(): string {
    const arch = this.o.arch ?? process.arch;
    const suffix =
      this.platform === "darwin"
        ? "-mac"
        : this.platform === "win32"
          ? ""
          : `-linux${arch === "x64" ? "" : `-${arch}`}`;
    return getChannelFilename(`latest${suffix}`);
  }

  async check(): Promise<UpdateRelease | undefined> {
    const channelFile = this.channelFile;
    const url = newUrlFromBase(channelFile, this.base, true);
    let raw: string | null;
    try {
      const options: http.RequestOptions = {};
      configureRequestUrl(url, options);
      raw = await this.executor.request(options);
    } catch (err) {
      throw new PouwError("DOWNLOAD_FAILED", `could not check for updates (${channelFile}): ${messageOf(err)}`);
    }
    let info: z.infer<typeof FeedInfo>;
    let files: ReturnType<typeof resolveFiles>;
    try {
      const updateInfo = parseUpdateInfo(raw, channelFile, url);
      const parsed = FeedInfo.safeParse(updateInfo);
      if (!parsed.success)
        throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      info = parsed.data;
      files = resolveFiles(updateInfo, this.base);
    } catch (err) {
      throw new PouwError("DOWNLOAD_FAILED", `the update feed's ${channelFile} is not usable: ${messageOf(err)}`);
    }
    if (!isNewer(info.version, this.o.currentVersion)) return undefined;
    const { ext, not } = INSTALLER[this.platform];
    const chosen = findFile(files, ext, not) ?? files[0];
    if (!chosen?.info.sha512)
      throw new PouwError("DOWNLOAD_FAILED", `the update feed's ${channelFile} gives no sha512 for ${info.version}`);
    return {
      version: info.version,
      ...(info.releaseDate ? { releaseDate: info.releaseDate } : {}),
      files: files.map((f) => ({
        url: f.url.href,
        sha512: f.info.sha512,
        ...(f.info.size !== undefined ? { size: f.info.size } : {}),
      })),
      url: chosen.url.href,
      sha512: chosen.info.sha512,
    };
  }

  async download(
    release: UpdateRelease,
    onProgress: (progress: DownloadProgress) => void,
    signal: AbortSignal,
  ): Promise<string> {
    const url = new URL(release.url);
    const dest = this.o.store.fileFor(release.version, decodeURIComponent(path.posix.basename(url.pathname)));
    if (await hasSha512(dest, release.sha512)) {
      // Verified by an earlier launch: nothing to fetch.
      const size = (await fs.promises.stat(dest)).size;
      onProgress({ percent: 100, bytesPerSecond: 0, transferred: size, total: size });
      return dest;
    }
    const partial = this.o.store.partialOf(dest);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    const token = new CancellationToken();
    const cancel = () => token.cancel();
    signal.addEventListener("abort", cancel, { once: true });
    if (signal.aborted) token.cancel();
    try {
      await this.executor.download(url, partial, {
        sha512: release.sha512,
        cancellationToken: token,
        onProgress: (p) =>
          onProgress({
            percent: p.percent,
            bytesPerSecond: p.bytesPerSecond,
            transferred: p.transferred,
            total: p.total,
          }),
      });
      await fs.promises.rename(partial, dest);
      return dest;
    } catch (err) {
      await fs.promises.rm(partial, { force: true });
      throw downloadError(err, release.version, signal.aborted);
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  install(file: string, release: UpdateRelease, opts?: { restart?: boolean }): void | Promise<void> {
    return this.o.install(file, release, opts);
  }
}
