import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";
import { pidAlive } from "./pid.js";
import type { ServiceRecord } from "./services.js";

const LockContent = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  services: z.array(z.object({ name: z.string(), pid: z.number().int().nullable(), url: z.string().nullable() })),
});
export type LockContent = z.infer<typeof LockContent>;

export interface DevnetLock {
  readonly path: string;
  /** Records the running services, so a devnet that finds this lock stale can end their orphans. */
  update(services: ServiceRecord[]): Promise<void>;
  release(): Promise<void>;
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, "devnet.lock");
}

/**
 * One devnet per data folder: the lock file holds the owner's PID. A lock whose PID is gone is
 * taken over (the devnet was killed); a live one makes this call fail with ALREADY_RUNNING.
 * `onStale` cleans up after the dead devnet before its lock is removed, so that whichever of two
 * racing devnets wins the folder, the cleanup has happened (it may run in both; make it idempotent).
 */
export async function acquireDevnetLock(
  dataDir: string,
  onStale?: (stale: LockContent) => Promise<void>,
): Promise<DevnetLock> {
  const file = lockPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const mine: LockContent = { pid: process.pid, startedAt: new Date().toISOString(), services: [] };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(file, JSON.stringify(mine))) return ownedLock(file, mine);
    const raw = await readFile(file, "utf8").catch(() => undefined);
    if (raw === undefined) continue;
    const held = parseLock(raw);
    if (held && pidAlive(held.pid)) {
      // PIDs are reused: if that process is not a devnet, deleting the lock is the way out.
      throw new PouwError(
        "ALREADY_RUNNING",
        `a devnet is already running on ${dataDir} (pid ${held.pid}); stop it first, use another --data-dir, or delete ${file} if pid ${held.pid} is not a devnet`,
      );
    }
    if (held && onStale) await onStale(held);
    await moveAsideIfUnchanged(file, raw);
  }
  throw new PouwError(
    "ALREADY_RUNNING",
    `could not take the devnet lock ${file}: another devnet keeps starting on ${dataDir}`,
  );
}

function parseLock(raw: string): LockContent | undefined {
  try {
    return LockContent.parse(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

// Creates the file with its whole content or not at all: link() fails if the name exists, so a
// reader never sees a half-written lock.
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, content, { flag: "wx" });
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

// Two devnets may find the same stale lock; moving it aside is atomic, and the one that moved a
// lock it did not read (a fresh one from the other devnet) puts it back and loses.
async function moveAsideIfUnchanged(file: string, expected: string): Promise<void> {
  const aside = `${file}.${randomBytes(6).toString("hex")}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, "utf8");
  if (moved !== expected) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

function ownedLock(file: string, content: LockContent): DevnetLock {
  let released = false;
  return {
    path: file,
    async update(services) {
      if (released) return;
      await writeFileAtomic(file, JSON.stringify({ ...content, services }));
    },
    async release() {
      if (released) return;
      released = true;
      await rm(file, { force: true });
    },
  };
}
