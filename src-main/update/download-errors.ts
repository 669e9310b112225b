import { PouwError, firstLine } from "../../src-shared/errors.js";

/**
 * One line for a failed update download, by what went wrong: the error codes are builder-util-runtime's
 * (DigestTransform's ERR_CHECKSUM_MISMATCH) and electron-updater's (NsisUpdater's ERR_UPDATER_INVALID_SIGNATURE).
 */
export function downloadError(err: unknown, version: string, cancelled: boolean): PouwError {
  if (cancelled) return new PouwError("CANCELLED", `the download of update ${version} was cancelled`);
  if (err instanceof PouwError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === "ERR_CHECKSUM_MISMATCH") {
    return new PouwError(
      "CHECKSUM_MISMATCH",
      `update ${version} refused: the download does not match the feed's sha512 (corrupt or tampered); nothing was installed`,
    );
  }
  if (code === "ERR_UPDATER_INVALID_SIGNATURE") {
    return new PouwError(
      "CHECKSUM_MISMATCH",
      `update ${version} refused: it is not signed by this app's publisher; nothing was installed`,
    );
  }
  return new PouwError("DOWNLOAD_FAILED", `the download of update ${version} failed: ${messageOf(err)}`);
}

export function messageOf(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err));
}
