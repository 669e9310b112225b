import fs from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { readGgufHeader, type GgufHeader } from "../../src-shared/node/gguf/reader.js";
import type { Progress } from "../../src-shared/progress.js";
import { checkSha256, readRecordedSha256, sha256File, writeRecordedSha256 } from "./checksum.js";

export interface ImportResult {
  path: string;
  sha256: string;
  header: GgufHeader;
}

/**
 * Brings a GGUF file the user already has into the models folder. The header is validated first
 * (a wrong or truncated file fails here, not at load time in the worker); the copy goes through a
 * `.partial` name and gets its sha256 record, so imported and downloaded models look the same.
 */
export async function importModelFile(
  srcPath: string,
  opts: { modelsDir: string; fileName?: string; expectedSha256?: string; signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<ImportResult> {
  const source = path.resolve(srcPath);
  const header = await readGgufHeader(source);
  const fileName = opts.fileName ?? path.basename(source);
  if (!fileName.endsWith(".gguf")) throw new PouwError("MODEL_FILE_INVALID", `${fileName} must end in .gguf to be imported`);
  await fs.mkdir(opts.modelsDir, { recursive: true });
  const dest = path.join(path.resolve(opts.modelsDir), fileName);
  const hashOpts = { signal: opts.signal, onProgress: opts.onProgress };

  if (dest === source) {
    const { sha256 } = await checkSha256(dest, opts.expectedSha256, hashOpts);
    await writeRecordedSha256(dest, sha256);
    return { path: dest, sha256, header };
  }

  if (await exists(dest)) {
    const [theirs, ours] = await Promise.all([sha256File(source, hashOpts), existingSha256(dest)]);
    if (theirs.sha256 !== ours) {
      throw new PouwError("INVALID_PARAMS", `a different model named ${fileName} is already in ${opts.modelsDir}; import it under another name`);
    }
    if (opts.expectedSha256 && theirs.sha256 !== opts.expectedSha256.toLowerCase()) {
      throw new PouwError("CHECKSUM_MISMATCH", `checksum mismatch for ${fileName}: it is not the expected file`);
    }
    await writeRecordedSha256(dest, ours);
    return { path: dest, sha256: ours, header };
  }

  const partial = dest + ".partial";
  try {
    await fs.copyFile(source, partial, fs.constants.COPYFILE_FICLONE);
    const { sha256 } = await checkSha256(partial, opts.expectedSha256, { ...hashOpts, recordFor: dest });
    await fs.rename(partial, dest);
    await writeRecordedSha256(dest, sha256);
    return { path: dest, sha256, header };
  } finally {
    await fs.rm(partial, { force: true });
  }
}

async function existingSha256(filePath: string): Promise<string> {
  return (await readRecordedSha256(filePath)) ?? (await sha256File(filePath)).sha256;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
