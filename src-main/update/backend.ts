/**
 * What the Updater (updater.ts) drives: one update source. The Electron adapter wraps
 * electron-updater (electron-updater-backend.ts); the plain-Node feed backend (feed-backend.ts)
 * reads a generic feed over HTTP and is what the tests run against a feed on 127.0.0.1.
 */

/** A release newer than the running version, as the feed describes it. */
export interface UpdateRelease {
  version: string;
  releaseDate?: string;
  /** Every file the release lists (installers per format), with their sha512 (base64, as electron-builder writes it). */
  files: { url: string; sha512: string; size?: number }[];
  /** The file this platform installs, and the sha512 it must have. */
  url: string;
  sha512: string;
}

/** Download progress, as electron-updater reports it (bytes; percent 0..100). */
export interface DownloadProgress {
  percent: number;
  bytesPerSecond: number;
  transferred: number;
  total: number;
}

export interface UpdateBackend {
  /** The newest release when it is newer than the running version, else undefined. Rejects with a one-line PouwError. */
  check(): Promise<UpdateRelease | undefined>;
  /**
   * Downloads the release and verifies it (sha512; the Electron adapter also the code signature on
   * Windows). Resolves to the verified file only; a file that fails verification is deleted and the
   * promise rejects (CHECKSUM_MISMATCH), leaving any earlier verified download as it was.
   */
  download(
    release: UpdateRelease,
    onProgress: (progress: DownloadProgress) => void,
    signal: AbortSignal,
  ): Promise<string>;
  /**
   * Quits the app and installs the verified file; the app starts again in the new version, unless
   * the user was quitting (`restart: false`).
   */
  install(file: string, release: UpdateRelease, opts?: { restart?: boolean }): void | Promise<void>;
  /**
   * Whether a verified download survives a later download of a newer release that fails. False
   * for electron-updater, which keeps one pending update and clears it when the next one starts:
   * the Updater then keeps the ready one and fetches the newer release after the restart.
   */
  readonly keepsEarlierDownload: boolean;
}
