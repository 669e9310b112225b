import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";

/**
 * The data folder can live elsewhere than the platform's default, as desktop apps do it: a small
 * pointer file in the default folder names the chosen one, read once at start (src-main/paths.ts).
 * Settings themselves live in the data folder, so they cannot hold where it is.
 */
export const POINTER_FILE = "data-folder.json";
const Pointer = z.object({ dataDir: z.string().min(1) });

/** `dir` when the pointer names an absolute folder; `problem` (one line) when it exists but cannot be used. */
export interface PointerRead {
  dir?: string;
  problem?: string;
}

export function readDataFolderPointer(defaultDir: string): PointerRead {
  const file = path.join(defaultDir, POINTER_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    return { problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: `${file} is not JSON` };
  }
  const parsed = Pointer.safeParse(raw);
  if (!parsed.success || !path.isAbsolute(parsed.data.dataDir))
    return { problem: `${file} does not name an absolute folder` };
  return { dir: path.normalize(parsed.data.dataDir) };
}

export function samePath(a: string, b: string, platform = process.platform): boolean {
  const norm = (p: string) =>
    platform === "win32" || platform === "darwin" ? path.resolve(p).toLowerCase() : path.resolve(p);
  return norm(a) === norm(b);
}

/** Records `dir` as the next start's data folder; `undefined` (or the default itself) removes the pointer. */
export function writeDataFolderPointer(defaultDir: string, dir: string | undefined): void {
  const file = path.join(defaultDir, POINTER_FILE);
  if (dir === undefined || samePath(dir, defaultDir)) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(defaultDir, { recursive: true });
  // A torn pointer would send the next start to the default folder: write aside, then rename over.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ dataDir: dir }, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * A folder the user typed, made ready to hold the data: absolute, created if missing, and actually
 * writable (a probe file, since permission bits lie on some file systems). Throws PouwError
 * INVALID_PARAMS with one line otherwise.
 */
export function checkDataFolder(input: string): string {
  const refuse = (why: string) => new PouwError("INVALID_PARAMS", `settings not saved: dataDir: ${why}`);
  const trimmed = input.trim();
  if (!path.isAbsolute(trimmed)) throw refuse(`use an absolute path, not "${trimmed}"`);
  const dir = path.resolve(trimmed);
  const probe = path.join(dir, `.pouw-write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, "");
    fs.rmSync(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(`${dir} is not a writable folder (${code ?? (err as Error).message})`);
  }
  return dir;
}
