import { readFile, rename } from "node:fs/promises";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";

export function goodCopyOf(stateFile: string): string {
  return stateFile.replace(/\.json$/, "") + ".good.json";
}

/**
 * anvil rewrites its state file in place, so a devnet killed mid-write leaves it torn, and anvil
 * then refuses to start. Before each start: a state file that parses is copied aside as the last
 * good one; a torn one is moved aside and the last good copy put back (losing only the changes
 * since the previous start), or, with no good copy, the chain starts anew. Returns a line saying
 * what was repaired, if anything was.
 */
export async function prepareStateFile(stateFile: string): Promise<string | undefined> {
  const text = await readFile(stateFile, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  if (parses(text)) {
    await writeFileAtomic(goodCopyOf(stateFile), text);
    return undefined;
  }
  const damaged = `${stateFile}.damaged-${Date.now()}`;
  await rename(stateFile, damaged);
  const good = await readFile(goodCopyOf(stateFile), "utf8").catch(() => undefined);
  if (good !== undefined && parses(good)) {
    await writeFileAtomic(stateFile, good);
    return `the chain state was damaged (moved to ${damaged}); restored the copy from the previous start`;
  }
  return `the chain state was damaged (moved to ${damaged}) and there is no good copy; starting a new chain`;
}

function parses(text: string): boolean {
  try {
    const state: unknown = JSON.parse(text);
    return typeof state === "object" && state !== null && "accounts" in state;
  } catch {
    return false;
  }
}
