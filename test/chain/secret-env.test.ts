import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnvil } from "../../src-main/chain/anvil.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { groupMembers, launchHeadlessProcess } from "../helpers/headless-process.js";

const SECRET = "correct horse battery staple 15";
const hasProc = existsSync("/proc/self/environ");
const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-secret-children-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.runIf(hasProc)("the wallet password and the children's environment", () => {
  it("does not reach anvil", async () => {
    process.env[PASSWORD_ENV] = SECRET;
    const anvil = await startAnvil().finally(() => delete process.env[PASSWORD_ENV]);
    try {
      expect(environOf(anvil.pid).join("\n")).not.toContain(SECRET);
    } finally {
      await anvil.stop();
    }
  });

  it("does not reach any child of `pouw-miner headless` (anvil, the worker), read from /proc", async () => {
    const miner = await launchHeadlessProcess({
      args: ["--data-dir", path.join(dir, "data"), "--threads", "1", "--chain-only"],
      env: { [PASSWORD_ENV]: SECRET },
    });
    try {
      const pid = miner.child.pid!;
      // The miner itself was given the password (and used it: its wallet is unlocked)…
      expect(environOf(pid)).toContain(`${PASSWORD_ENV}=${SECRET}`);
      expect(miner.ready.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
      // …and none of what it started has it.
      const children = groupMembers(pid).filter((m) => m.pid !== pid);
      expect(children.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/anvil/)]));
      expect(children.length).toBeGreaterThanOrEqual(2);
      for (const c of children) expect(environOf(c.pid).join("\n"), c.name).not.toContain(SECRET);
    } finally {
      expect((await miner.stop()).leftovers).toEqual([]);
    }
  }, 200_000);
});
