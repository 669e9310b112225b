import type { ProgressInfo, UpdateInfo } from "builder-util-runtime";
// electron-updater's own CancellationToken (builder-util-runtime re-exported): the same class it checks against.
import electronUpdater from "electron-updater";
import { PouwError } from "../../src-shared/errors.js";
import type { DownloadProgress, UpdateBackend, UpdateRelease } from "./backend.js";
import { downloadError, messageOf } from "./download-errors.js";
import type { UpdateStore } from "./update-store.js";

/**
 * The part of electron-updater's `autoUpdater` the shell uses (AppUpdater satisfies it). Kept as an
 * interface so this mapping is plain Node and unit-tested with a fake; src-main/electron/auto-update.ts
 * hands in the real one.
 */
type CancellationToken = InstanceType<typeof electronUpdater.CancellationToken>;

export interface AutoUpdaterLike {
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: UpdateInfo } | null>;
  downloadUpdate(cancellationToken?: CancellationToken): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: "download-progress", listener: (info: ProgressInfo) => void): unknown;
  removeListener(event: "download-progress", listener: (info: ProgressInfo) => void): unknown;
}

/**
 * electron-updater behind the UpdateBackend interface. It reads the feed named in app-update.yml,
 * verifies the download's sha512 (and on Windows the installer's Authenticode publisher, against
 * `publisherName`; on macOS Squirrel.Mac checks the code signature before installing) and installs
 * with quitAndInstall. Each verified download is also copied into the update store, so that the
 * installer of this version is still there when the next version fails to open (the rollback offer).
 */
export function electronUpdaterBackend(
  updater: AutoUpdaterLike,
  store: UpdateStore,
  log: (level: "info" | "warn", message: string) => void = () => undefined,
): UpdateBackend {
  return {
    // One pending update: a new download clears the previous one, also when it fails.
    keepsEarlierDownload: false,

    async check() {
      let result: Awaited<ReturnType<AutoUpdaterLike["checkForUpdates"]>>;
      try {
        result = await updater.checkForUpdates();
      } catch (err) {
        throw new PouwError("DOWNLOAD_FAILED", `could not check for updates: ${messageOf(err)}`);
      }
      if (!result?.isUpdateAvailable) return undefined;
      return releaseOf(result.updateInfo);
    },

    async download(release, onProgress, signal) {
      const token = new electronUpdater.CancellationToken();
      const cancel = () => token.cancel();
      const progress = (p: ProgressInfo) => onProgress(progressOf(p));
      signal.addEventListener("abort", cancel, { once: true });
      updater.on("download-progress", progress);
      try {
        if (signal.aborted) token.cancel();
        const [file] = await updater.downloadUpdate(token);
        if (!file) throw new PouwError("DOWNLOAD_FAILED", `the download of update ${release.version} gave no file`);
        try {
          await store.keep(release.version, file);
        } catch (err) {
          // Only the rollback offer needs the copy; the update itself is fine.
          log("warn", `could not keep a copy of the ${release.version} installer: ${messageOf(err)}`);
        }
        return file;
      } catch (err) {
        throw downloadError(err, release.version, signal.aborted);
      } finally {
        updater.removeListener("download-progress", progress);
        signal.removeEventListener("abort", cancel);
      }
    },

    install(_file, _release, opts) {
      // Not silent; the app starts again once the installer is done unless the user was quitting.
      updater.quitAndInstall(false, opts?.restart ?? true);
    },
  };
}

function releaseOf(info: UpdateInfo): UpdateRelease {
  const files = (info.files ?? []).map((f) => ({
    url: f.url,
    sha512: f.sha512,
    ...(f.size !== undefined ? { size: f.size } : {}),
  }));
  const first = files[0];
  return {
    version: info.version,
    ...(info.releaseDate ? { releaseDate: info.releaseDate } : {}),
    files,
    url: first?.url ?? info.path,
    sha512: first?.sha512 ?? info.sha512,
  };
}

function progressOf(p: ProgressInfo): DownloadProgress {
  return { percent: p.percent, bytesPerSecond: p.bytesPerSecond, transferred: p.transferred, total: p.total };
}
