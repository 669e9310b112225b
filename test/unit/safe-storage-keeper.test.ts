import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { safeStorageKeeper } from "../../src-main/electron/safe-storage-keeper.js";

/** Stands in for Electron's safeStorage: a reversible "encryption" that never stores the plain text. */
const fakeSafeStorage = (available = true, backend = "gnome_libsecret") => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (s: string) => Buffer.from(Buffer.from(s, "utf8").map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => {
    if (b[0] === 0) throw new Error("Error while decrypting the ciphertext provided to safeStorage.decryptString.");
    return Buffer.from(b.map((x) => x ^ 0x5a)).toString("utf8");
  },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-keeper-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("safeStorage password keeper", () => {
  it("saves the password encrypted, owner-only, and loads and clears it", async () => {
    const file = path.join(dir, "wallet", "remembered-password.bin");
    const keeper = safeStorageKeeper(fakeSafeStorage(), file)!;
    expect(await keeper.load()).toBeUndefined();
    await keeper.save("correct horse battery");
    expect((await readFile(file)).toString("utf8")).not.toContain("correct horse");
    if (process.platform !== "win32") expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await keeper.load()).toBe("correct horse battery");
    await keeper.clear();
    expect(await keeper.load()).toBeUndefined();
  });

  it("remembers nothing without a real keychain", () => {
    expect(safeStorageKeeper(fakeSafeStorage(false), path.join(dir, "x"))).toBeUndefined();
    expect(safeStorageKeeper(fakeSafeStorage(true, "basic_text"), path.join(dir, "x"))).toBeUndefined();
  });
});
