import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import type { RuntimeFiles } from "../runtime/runtime-files.js";
import { childEnv } from "../runtime/secret-env.js";

/**
 * The dashboard `pouw-miner headless` serves is built from src-renderer by Vite. From a checkout it
 * is built when missing or older than its sources (as bin/cli-bundle.js does for the CLI), so a
 * fresh clone or an edit never serves a stale or "not built" page; an installed app ships it built.
 * Several miners may start at once: one builds (a lock folder), the others wait for it, and the
 * result is swapped into place whole.
 */
const SOURCE_DIRS = ["src-renderer", "src-shared"];
const LOCK_STALE_MS = 10 * 60_000;

type Files = Pick<RuntimeFiles, "layout" | "appRoot" | "rendererDir" | "rendererIndex">;

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
}

/** Size and mtime of every source the dashboard is built from: what makes a build stale. */
export function dashboardInputs(appRoot: string): Record<string, string> {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) if (existsSync(path.join(appRoot, d))) walk(path.join(appRoot, d), files);
  const stamps: Record<string, string> = {};
  for (const f of files.sort()) {
    const s = statSync(f);
    stamps[path.relative(appRoot, f)] = `${s.size}:${s.mtimeMs}`;
  }
  return stamps;
}

const stampFile = (files: Files) => `${files.rendererDir}.inputs.json`;

export async function dashboardIsFresh(files: Files): Promise<boolean> {
  if (!existsSync(files.rendererIndex)) return false;
  try {
    const was = JSON.parse(await readFile(stampFile(files), "utf8")) as Record<string, string>;
    const now = dashboardInputs(files.appRoot);
    const keys = Object.keys(now);
    return keys.length === Object.keys(was).length && keys.every((k) => was[k] === now[k]);
  } catch {
    return false;
  }
}

/** Vite's command-line entry, or undefined where Vite is not installed (an install without devDependencies). */
function viteBin(appRoot: string): string | undefined {
  try {
    return path.join(
      path.dirname(createRequire(path.join(appRoot, "package.json")).resolve("vite/package.json")),
      "bin",
      "vite.js",
    );
  } catch {
    return undefined;
  }
}

async function runVite(appRoot: string, bin: string, outDir: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      bin,
      "build",
      "--config",
      "src-renderer/vite.config.ts",
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "error",
    ],
    {
      cwd: appRoot,
      env: childEnv(),
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) {
    const line =
      err
        .trim()
        .split("\n")
        .find((l) => l.trim()) ?? `exit ${code}`;
    throw new PouwError("INTERNAL", `building the dashboard failed: ${line}`);
  }
}

async function takeLock(lock: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(lock);
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
    if (signal?.aborted) throw new PouwError("CANCELLED", "stopped while the dashboard was being built");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The folder to serve, built first when needed. `onBuild` is told before a build starts (it takes
 * a few seconds). Where nothing can build it (no Vite), a built dashboard is served as it is; with
 * none at all the start fails with what to do.
 */
export async function ensureDashboard(
  files: Files,
  opts: { onBuild?: () => void; signal?: AbortSignal; force?: boolean } = {},
): Promise<string> {
  if (files.layout === "packaged" || (!opts.force && (await dashboardIsFresh(files)))) {
    if (existsSync(files.rendererIndex)) return files.rendererDir;
    throw new PouwError(
      "INTERNAL",
      `the dashboard is missing from this installation (${files.rendererIndex}): reinstall PoUW Miner`,
    );
  }
  const bin = viteBin(files.appRoot);
  if (!bin) {
    if (existsSync(files.rendererIndex)) return files.rendererDir;
    throw new PouwError(
      "INTERNAL",
      "the dashboard is not built and Vite is not installed to build it: run `npm install`, then `npm run build:renderer`",
    );
  }
  await mkdir(path.dirname(files.rendererDir), { recursive: true });
  const release = await takeLock(`${files.rendererDir}.build-lock`, opts.signal);
  try {
    // Another process may have built it while this one waited for the lock.
    if (!opts.force && (await dashboardIsFresh(files))) return files.rendererDir;
    opts.onBuild?.();
    const inputs = dashboardInputs(files.appRoot);
    const tmp = `${files.rendererDir}.${process.pid}.tmp`;
    await runVite(files.appRoot, bin, tmp);
    await rm(files.rendererDir, { recursive: true, force: true });
    await rename(tmp, files.rendererDir);
    await writeFile(stampFile(files), JSON.stringify(inputs));
    return files.rendererDir;
  } finally {
    await release();
  }
}
