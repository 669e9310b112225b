import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PouwError } from "../../src-shared/errors.js";
import type { Progress } from "../../src-shared/progress.js";
import { downloadModel, keepResumable, partialBytes } from "../../src-main/models/download.js";
import { readRecordedSha256 } from "../../src-main/models/checksum.js";
import { startFileServer, type FileServer } from "../helpers/http-file-server.js";

const MiB = 1024 * 1024;
// Larger than ipull's 5 MiB chunk so that resuming is visible as a Range request past byte 0.
const body = randomBytes(12 * MiB);
const sha = createHash("sha256").update(body).digest("hex");
const NAME = "model.gguf";

let server: FileServer;
let dir: string;

beforeAll(async () => {
  server = await startFileServer({ [NAME]: body });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  server.setKnobs({});
  server.requests.length = 0;
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pouw-dl-"));
  return dir;
}

function rangeStart(range: string | undefined): number {
  const m = /^bytes=(\d+)-/.exec(range ?? "");
  return m ? Number(m[1]) : 0;
}

function rangeLength(range: string | undefined): number {
  const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? "");
  if (!m) return body.length;
  return (m[2] ? Number(m[2]) + 1 : body.length) - Number(m[1]);
}

/** Data bytes: ipull's first request per call is an open-ended GET it drops after the headers. */
function rangedBytes(): number {
  return server.requests.filter((r) => r.range !== undefined).reduce((n, r) => n + r.bytesSent, 0);
}

async function catchError(p: Promise<unknown>): Promise<PouwError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PouwError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("downloadModel", () => {
  it("downloads, reports progress in bytes and verifies the sha256", async () => {
    const modelsDir = await freshDir();
    const events: Progress[] = [];
    const result = await downloadModel(
      { uri: server.url(NAME), fileName: NAME, sha256: sha, sizeBytes: body.length },
      { modelsDir, onProgress: (p) => events.push(p) },
    );
    expect(result).toMatchObject({
      path: path.join(modelsDir, NAME),
      sha256: sha,
      bytes: body.length,
      alreadyPresent: false,
    });
    expect(
      createHash("sha256")
        .update(await fs.readFile(result.path))
        .digest("hex"),
    ).toBe(sha);
    const downloads = events.filter((e) => e.stage === "download");
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.at(-1)).toMatchObject({ bytes: body.length, totalBytes: body.length, fraction: 1, unit: "bytes" });
    expect(events.some((e) => e.stage === "verify" && e.bytes === body.length)).toBe(true);
    expect(await partialBytes(modelsDir, NAME)).toBe(0);
  });

  it("resumes with a Range request after the server cuts the transfer", async () => {
    const modelsDir = await freshDir();
    server.setKnobs({ cutAfterBytes: 3 * MiB, cutTimes: 2 });
    const source = { uri: server.url(NAME), fileName: NAME, sha256: sha };
    // ipull retries a cut stream on its own, so the first call may already succeed; either way the
    // cut chunk must be fetched again from its start, not the whole file from byte 0.
    const first = await downloadModel(source, { modelsDir }).catch((err: unknown) => err);
    const result = first instanceof Error ? await downloadModel(source, { modelsDir }) : first;
    expect(result).toMatchObject({ sha256: sha });
    const ranged = server.requests.filter((r) => r.method === "GET" && r.range !== undefined);
    const cutIndex = ranged.findIndex((r) => r.bytesSent === 3 * MiB && rangeLength(r.range) > 3 * MiB);
    expect(cutIndex).toBeGreaterThanOrEqual(0);
    const cutStart = rangeStart(ranged[cutIndex]!.range);
    expect(cutStart).toBeGreaterThan(0);
    expect(ranged.slice(cutIndex + 1).some((r) => rangeStart(r.range) === cutStart)).toBe(true);
    expect(rangedBytes()).toBeLessThan(2 * body.length);
  });

  it("cancels on abort, keeps the partial file, and the next call continues from it", async () => {
    const modelsDir = await freshDir();
    // Slow enough that the small last chunk (2 MiB) is finished and saved well before the abort
    // at 9 MiB, while the two 5 MiB chunks are still in flight.
    server.setKnobs({ bytesPerSecond: 8 * MiB });
    const controller = new AbortController();
    const err = await catchError(
      downloadModel(
        { uri: server.url(NAME), fileName: NAME, sha256: sha },
        {
          modelsDir,
          signal: controller.signal,
          onProgress: (p) => p.stage === "download" && (p.bytes ?? 0) > 9 * MiB && controller.abort(),
        },
      ),
    );
    expect(err.code).toBe("CANCELLED");
    expect(err.message).toMatch(/resume/);
    expect(await partialBytes(modelsDir, NAME)).toBeGreaterThan(0);
    expect(await fs.readdir(modelsDir)).not.toContain(NAME);

    server.setKnobs({});
    server.requests.length = 0;
    const result = await downloadModel({ uri: server.url(NAME), fileName: NAME, sha256: sha }, { modelsDir });
    expect(result.sha256).toBe(sha);
    expect(rangedBytes()).toBeGreaterThan(0);
    expect(rangedBytes()).toBeLessThan(body.length);
    expect(await partialBytes(modelsDir, NAME)).toBe(0);
  });

  it("rejects a corrupt transfer with CHECKSUM_MISMATCH and leaves no file to load", async () => {
    const modelsDir = await freshDir();
    server.setKnobs({ corrupt: true });
    const err = await catchError(downloadModel({ uri: server.url(NAME), fileName: NAME, sha256: sha }, { modelsDir }));
    expect(err.code).toBe("CHECKSUM_MISMATCH");
    expect(err.message).not.toContain("\n");
    expect(await fs.readdir(modelsDir)).toEqual([]);
  });

  it("records the hash on first download when none is known, and holds later copies to it", async () => {
    const modelsDir = await freshDir();
    const source = { uri: server.url(NAME), fileName: NAME };
    const first = await downloadModel(source, { modelsDir });
    expect(first.sha256).toBe(sha);
    expect(await readRecordedSha256(first.path)).toBe(sha);

    server.requests.length = 0;
    const again = await downloadModel(source, { modelsDir });
    expect(again.alreadyPresent).toBe(true);
    expect(server.requests).toEqual([]);

    // A copy damaged on disk no longer matches the record: it is replaced by a fresh download.
    const damaged = Buffer.from(body);
    damaged[10] = (damaged[10]! + 1) & 0xff;
    await fs.writeFile(first.path, damaged);
    const repaired = await downloadModel(source, { modelsDir });
    expect(repaired).toMatchObject({ sha256: sha, alreadyPresent: false });
  });

  it("cancels promptly while the host is unreachable (ipull would retry for minutes)", async () => {
    const modelsDir = await freshDir();
    const gone = await startFileServer({});
    const url = gone.url(NAME);
    await gone.close();
    const started = Date.now();
    const err = await catchError(
      downloadModel({ uri: url, fileName: NAME }, { modelsDir, signal: AbortSignal.timeout(300) }),
    );
    expect(err.code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("moves a temp file that ipull renamed during a cancel back to where it resumes from", async () => {
    // ipull renames `<x>.ipull` to `<x>` on close once its byte counter hits the total, which a
    // cancel racing the last writes can do; the chunk map is still appended to that file.
    const modelsDir = await freshDir();
    const partial = path.join(modelsDir, `${NAME}.partial`);
    await fs.writeFile(partial, "bytes plus chunk map");
    await keepResumable(partial);
    expect(await fs.readdir(modelsDir)).toEqual([`${NAME}.partial.ipull`]);
    expect(await partialBytes(modelsDir, NAME)).toBe("bytes plus chunk map".length);
    // With a real temp file present, nothing is touched.
    await fs.writeFile(partial, "finished");
    await keepResumable(partial);
    expect((await fs.readdir(modelsDir)).sort()).toEqual([`${NAME}.partial`, `${NAME}.partial.ipull`]);
  });

  it("fails with DOWNLOAD_FAILED on a missing file", async () => {
    const modelsDir = await freshDir();
    const err = await catchError(
      downloadModel({ uri: server.url("absent.gguf"), fileName: "absent.gguf" }, { modelsDir }),
    );
    expect(err.code).toBe("DOWNLOAD_FAILED");
    expect(err.message).not.toContain("\n");
  });
});
