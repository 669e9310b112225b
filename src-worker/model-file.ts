import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PouwError } from "../src-shared/errors.js";
import { readGgufHeader } from "../src-shared/gguf/reader.js";
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
    const actual = await sha256File(filePath, info.size, opts);
    if (actual !== opts.sha256.toLowerCase()) {
      throw new PouwError("CHECKSUM_MISMATCH", `${name} has sha256 ${actual.slice(0, 12)}…, expected ${opts.sha256.slice(0, 12)}…`);
    }
  }
  return { sizeBytes: info.size };
}

async function sha256File(
  filePath: string,
  total: number,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<string> {
  const hash = createHash("sha256");
  let done = 0;
  let lastReport = 0;
  const stream = createReadStream(filePath, opts.signal ? { signal: opts.signal } : {});
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      done += (chunk as Buffer).length;
      if (performance.now() - lastReport > 200) {
        lastReport = performance.now();
        opts.onProgress?.({ stage: "verify", bytes: done, totalBytes: total, fraction: total > 0 ? done / total : 1, unit: "bytes" });
      }
    }
  } catch (err) {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", "model load was cancelled");
    throw err;
  }
  return hash.digest("hex");
}

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
