import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src-main/cli/main.js";
import { ApiKeyStore } from "../../src-network/router/api-keys.js";
import { Capture } from "../helpers/capture.js";

const PAYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-cli-router-"));
  file = path.join(dir, "keys.json");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function keys(...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["router", "keys", ...args, "--file", file, "--json"], {
    stdout,
    stderr,
    signal: undefined,
  });
  return { code, out: stdout.jsonLines.at(-1), stderr: stderr.text };
}

describe("pouw-miner router keys", () => {
  it("creates a key tied to an account and a limit, stores only its hash, and the router's store honours the limit", async () => {
    const created = await keys("create", "--account", PAYER, "--limit", "2.5", "--label", "my app");
    expect(created.code).toBe(0);
    const key = String(created.out?.key);
    expect(created.out).toMatchObject({
      type: "result",
      account: PAYER,
      limit: "2.5",
      id: expect.stringMatching(/^key-/),
    });
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const store = await ApiKeyStore.open(file);
    const grant = await store.authenticate(key);
    expect(grant?.account).toBe(PAYER);
    await grant!.reserve(2n * 10n ** 18n).commit();
    expect(() => grant!.reserve(10n ** 18n)).toThrow(/spending limit/);
    grant!.reserve(5n * 10n ** 17n).release(); // exactly the rest fits; released, it is free again
    expect(await store.authenticate("pouw-sk-nope")).toBeUndefined();

    // What was spent survives a restart of the router.
    const again = await ApiKeyStore.open(file);
    const regrant = await again.authenticate(key);
    expect(() => regrant!.reserve(10n ** 18n)).toThrow(/spending limit/);
    const listed = await keys("list");
    expect(listed.out).toMatchObject({
      keys: [{ id: created.out?.id, spent: "2.0", limit: "2.5", label: "my app", revoked: false }],
    });

    expect((await keys("revoke", String(created.out?.id))).code).toBe(0);
    expect(await again.authenticate(key)).toBeUndefined();
  });

  it("refuses bad input with a one-line error", async () => {
    expect((await keys("create", "--account", PAYER)).stderr).toContain("--limit");
    expect((await keys("create", "--account", "nobody", "--limit", "1")).code).toBe(2);
    expect((await keys("create", "--limit", "1")).stderr).toContain("--account is required");
    expect((await keys("create", "--account", PAYER, "--limit", "-1")).code).toBe(2);
    expect((await keys("revoke", "key-missing")).out).toMatchObject({ type: "error", error: { code: "NOT_FOUND" } });
    expect((await keys("rotate")).code).toBe(2);
  });
});
