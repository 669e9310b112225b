import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src-main/cli/main.js";
import { Capture } from "../helpers/capture.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-cli-wallet-"));
  await writeFile(path.join(dir, "pw"), "a good password\n");
  await writeFile(path.join(dir, "bad"), "a wrong password\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function wallet(...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["wallet", ...args, "--data-dir", path.join(dir, "data"), "--json"], {
    stdout,
    stderr,
    signal: undefined,
  });
  return { code, out: stdout.jsonLines.at(-1), stderr: stderr.text };
}

describe("pouw-miner wallet", () => {
  it("creates a wallet from a password file and reads its address back", async () => {
    const created = await wallet("create", "--password-file", path.join(dir, "pw"));
    expect(created.code).toBe(0);
    expect(created.out).toMatchObject({ type: "result", address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) });
    const address = await wallet("address");
    expect(address.out).toEqual({ type: "result", address: created.out?.address });
  });

  it("fails with one line and exit 1 on a wrong password", async () => {
    const res = await wallet("backup", "--password-file", path.join(dir, "bad"));
    expect(res.code).toBe(1);
    expect(res.out).toEqual({ type: "error", error: { code: "WRONG_PASSWORD", message: "wrong wallet password" } });
    expect(res.stderr.trim().split("\n")).toEqual(["pouw-miner: wrong wallet password"]);
  });

  it("refuses to run without an action or with two import sources", async () => {
    expect((await wallet()).code).toBe(2);
    const two = await wallet("import", "--private-key-file", "a", "--mnemonic-file", "b");
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("exactly one of");
  });
});
