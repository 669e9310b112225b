import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goodCopyOf, prepareStateFile } from "../../src-network/devnet/state-file.js";

let dir: string;
let state: string;
const GOOD = JSON.stringify({ accounts: { "0x01": { balance: "0x1" } }, best_block_number: 3 });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-state-"));
  state = path.join(dir, "state.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("devnet chain state file", () => {
  it("does nothing for a chain that has no state yet", async () => {
    expect(await prepareStateFile(state)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps a good copy of a state that parses", async () => {
    await writeFile(state, GOOD);
    expect(await prepareStateFile(state)).toBeUndefined();
    expect(await readFile(goodCopyOf(state), "utf8")).toBe(GOOD);
    expect(await readFile(state, "utf8")).toBe(GOOD);
  });

  it("puts the good copy back over a torn state and keeps the torn one for inspection", async () => {
    await writeFile(goodCopyOf(state), GOOD);
    await writeFile(state, GOOD.slice(0, 20));
    expect(await prepareStateFile(state)).toMatch(
      /^the chain state was damaged \(moved to .*\); restored the copy from the previous start$/,
    );
    expect(await readFile(state, "utf8")).toBe(GOOD);
    const damaged = (await readdir(dir)).filter((f) => f.startsWith("state.json.damaged-"));
    expect(damaged).toHaveLength(1);
    expect(await readFile(path.join(dir, damaged[0]!), "utf8")).toBe(GOOD.slice(0, 20));
  });

  it("starts a new chain when a torn state has no good copy", async () => {
    await writeFile(state, '{"accounts":');
    expect(await prepareStateFile(state)).toMatch(/no good copy; starting a new chain$/);
    expect(existsSync(state)).toBe(false);
  });

  it("does not take JSON that is not an anvil state for a good copy", async () => {
    await writeFile(goodCopyOf(state), GOOD);
    await writeFile(state, "[]");
    expect(await prepareStateFile(state)).toMatch(/restored/);
    expect(await readFile(state, "utf8")).toBe(GOOD);
  });
});
