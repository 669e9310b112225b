import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PouwError } from "../src-shared/errors.js";
import { sha256File } from "../src-shared/node/file-hash.js";
import { readGgufHeader } from "../src-shared/node/gguf/reader.js";
import type { Progress } from "../src-shared/progress.js";

/**
 * Everything that can be wrong with a model file is found here, before node-llama-cpp sees it,
 * so each case gets its own error code and one clear line instead of a native crash.
 */
export async function checkModelFile(
  filePath: string,
  opts: { sha256?: string; signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<{ sizeBytes: number }> {
  const name = path.basename(filePath);
  const info = await stat(filePath).catch(() => null);
  if (!info || !info.isFile()) throw new PouwError("MODEL_FILE_MISSING", `model file not found: ${filePath}`);
  // Catches non-GGUF and truncated files, which llama.cpp would otherwise reject less clearly.
  await readGgufHeader(filePath);
  if (info.size > os.totalmem()) {
    throw new PouwError(
      "MODEL_TOO_LARGE",
      `${name} is ${gib(info.size)} GiB but this machine has ${gib(os.totalmem())} GiB of memory`,
    );
  }
  if (opts.sha256) {
    const { sha256: actual } = await sha256File(filePath, opts);
    if (actual !== opts.sha256.toLowerCase()) {
      throw new PouwError(
        "CHECKSUM_MISMATCH",
        `${name} has sha256 ${actual.slice(0, 12)}…, expected ${opts.sha256.slice(0, 12)}…`,
      );
    }
  }
  return { sizeBytes: info.size };
}

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
