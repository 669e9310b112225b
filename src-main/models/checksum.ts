import fs from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { sha256File } from "../../src-shared/node/file-hash.js";
import type { Progress } from "../../src-shared/progress.js";

export { sha256File };

/**
 * sha256 of model files, and the `<file>.sha256` record kept beside each verified file. The record
 * doubles as the "verified" mark: a catalogue model counts as downloaded only once it exists, and
 * for models the catalogue lists without a hash it holds the trust-on-first-use value that every
 * later verification is held to.
 */
export const RECORD_SUFFIX = ".sha256";

export function recordPath(modelPath: string): string {
  return modelPath + RECORD_SUFFIX;
}

/** The recorded hash, or undefined when the file was never verified. */
export async function readRecordedSha256(modelPath: string): Promise<string | undefined> {
  try {
    const text = await fs.readFile(recordPath(modelPath), "utf8");
    const hex = text.trim().split(/\s+/)[0]?.toLowerCase();
    return hex && /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
  } catch {
    return undefined;
  }
}

/** Same format as `sha256sum`, so `sha256sum -c` can check the folder by hand. */
export async function writeRecordedSha256(modelPath: string, sha256: string): Promise<void> {
  await fs.writeFile(recordPath(modelPath), `${sha256}  ${path.basename(modelPath)}\n`);
}

/**
 * Hashes a file and holds it to `expected` (or the hash recorded for `recordFor`). On mismatch the
 * file and its record are deleted, so a corrupt model can never be loaded, and CHECKSUM_MISMATCH is
 * thrown. Does not write a record (see verifyModelFile).
 */
export async function checkSha256(
  filePath: string,
  expected: string | undefined,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void; recordFor?: string } = {},
): Promise<{ sha256: string; bytes: number }> {
  const recordFor = opts.recordFor ?? filePath;
  const want = expected?.toLowerCase() ?? (await readRecordedSha256(recordFor));
  const got = await sha256File(filePath, opts);
  if (want !== undefined && got.sha256 !== want) {
    await fs.rm(filePath, { force: true });
    await fs.rm(recordPath(recordFor), { force: true });
    throw new PouwError(
      "CHECKSUM_MISMATCH",
      `checksum mismatch for ${path.basename(recordFor)}: expected sha256 ${want.slice(0, 12)}…, got ${got.sha256.slice(0, 12)}… — the file was deleted`,
    );
  }
  return got;
}

/** checkSha256, then records the hash beside the file (marking it verified). */
export async function verifyModelFile(
  modelPath: string,
  expected: string | undefined,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<{ sha256: string; bytes: number }> {
  const got = await checkSha256(modelPath, expected, opts);
  await writeRecordedSha256(modelPath, got.sha256);
  return got;
}
