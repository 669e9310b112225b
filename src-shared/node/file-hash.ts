import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../errors.js";
import type { Progress } from "../progress.js";

/**
 * Streams a file through sha256 with "verify" progress and cancellation. Shared because main
 * verifies downloads and the worker verifies what it is asked to load; multi-GB models never sit
 * in memory whole.
 */
export async function sha256File(
  filePath: string,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<{ sha256: string; bytes: number }> {
  const { size } = await fs.stat(filePath);
  const hash = createHash("sha256");
  let bytes = 0;
  let lastReport = 0;
  const started = Date.now();
  const stream = createReadStream(filePath, { highWaterMark: 1024 * 1024, signal: opts.signal });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      hash.update(buf);
      bytes += buf.length;
      const now = Date.now();
      if (opts.onProgress && (now - lastReport >= 100 || bytes === size)) {
        lastReport = now;
        const seconds = Math.max(0.001, (now - started) / 1000);
        const speed = bytes / seconds;
        opts.onProgress({
          stage: "verify",
          bytes,
          totalBytes: size,
          fraction: size > 0 ? bytes / size : 1,
          speed,
          unit: "bytes",
          etaSeconds: speed > 0 ? (size - bytes) / speed : undefined,
        });
      }
    }
  } catch (err) {
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", `verifying ${path.basename(filePath)} was cancelled`);
    throw err;
  }
  return { sha256: hash.digest("hex"), bytes };
}
