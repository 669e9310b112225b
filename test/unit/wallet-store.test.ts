import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";

const PASSWORD = "correct horse battery";
const FAST = { scryptN: 2 ** 10 }; // the keystore records N, so unlocking uses the same cost

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-wallet-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("WalletStore", () => {
  it("creates an encrypted wallet readable only by its owner", async () => {
    const store = new WalletStore(path.join(dir, "w"), FAST);
    const { address } = await store.create(PASSWORD);
    expect(await store.address()).toBe(address);
    const signer = await store.unlock(PASSWORD);
    expect(signer.address).toBe(address);

    for (const name of await readdir(path.join(dir, "w"))) {
      const text = await readFile(path.join(dir, "w", name), "utf8");
      expect(text, name).not.toContain(signer.privateKey.slice(2));
      if (process.platform !== "win32") expect((await stat(path.join(dir, "w", name))).mode & 0o077, name).toBe(0);
    }
    if (process.platform !== "win32") expect((await stat(path.join(dir, "w"))).mode & 0o077).toBe(0);
  });

  it("rejects a wrong password with a clear error", async () => {
    const store = new WalletStore(dir, FAST);
    await store.create(PASSWORD);
    await expect(store.unlock("not the password")).rejects.toMatchObject({
      code: "WRONG_PASSWORD",
      message: "wrong wallet password",
    });
    await expect(store.exportKeystore("not the password")).rejects.toMatchObject({ code: "WRONG_PASSWORD" });
  });

  it("shows the recovery phrase once, after a password check", async () => {
    const store = new WalletStore(dir, FAST);
    const { address } = await store.create(PASSWORD);
    await expect(store.revealMnemonic("wrong password!")).rejects.toMatchObject({ code: "WRONG_PASSWORD" });
    const phrase = await store.revealMnemonic(PASSWORD);
    expect(phrase.split(" ")).toHaveLength(12);
    expect(Wallet.fromPhrase(phrase).address).toBe(address);
    await expect(store.revealMnemonic(PASSWORD)).rejects.toMatchObject({
      message: expect.stringContaining("already shown"),
    });
  });

  it("imports a private key, a mnemonic and a keystore to the same address", async () => {
    const original = Wallet.createRandom();
    const byKey = new WalletStore(path.join(dir, "key"), FAST);
    expect(
      (await byKey.import({ kind: "privateKey", privateKey: original.privateKey.slice(2) }, PASSWORD)).address,
    ).toBe(original.address);

    const byPhrase = new WalletStore(path.join(dir, "phrase"), FAST);
    const phrase = original.mnemonic!.phrase.toUpperCase().replace(/ /g, "  ");
    await expect(byPhrase.import({ kind: "mnemonic", phrase: phrase.toLowerCase() }, PASSWORD)).resolves.toEqual({
      address: original.address,
    });

    const exported = await byKey.exportKeystore(PASSWORD);
    const byKeystore = new WalletStore(path.join(dir, "ks"), FAST);
    await expect(
      byKeystore.import({ kind: "keystore", json: exported, keystorePassword: "wrong password" }, PASSWORD),
    ).rejects.toMatchObject({
      code: "WRONG_PASSWORD",
    });
    await expect(
      byKeystore.import({ kind: "keystore", json: exported, keystorePassword: PASSWORD }, "another password"),
    ).resolves.toEqual({
      address: original.address,
    });
    expect((await byKeystore.unlock("another password")).address).toBe(original.address);
  });

  it("rejects bad input without writing anything", async () => {
    const store = new WalletStore(dir, FAST);
    await expect(store.import({ kind: "privateKey", privateKey: "0x1234" }, PASSWORD)).rejects.toMatchObject({
      code: "INVALID_PARAMS",
    });
    await expect(
      store.import({ kind: "mnemonic", phrase: "not a real phrase at all" }, PASSWORD),
    ).rejects.toMatchObject({ code: "INVALID_PARAMS" });
    await expect(store.import({ kind: "keystore", json: "{}", keystorePassword: "x" }, PASSWORD)).rejects.toMatchObject(
      { code: "INVALID_PARAMS" },
    );
    await expect(store.create("short")).rejects.toMatchObject({
      code: "INVALID_PARAMS",
      message: expect.stringContaining("at least 8"),
    });
    expect(await store.exists()).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it("never overwrites an existing wallet", async () => {
    const store = new WalletStore(dir, FAST);
    const { address } = await store.create(PASSWORD);
    await expect(store.create(PASSWORD)).rejects.toMatchObject({
      message: expect.stringContaining("never overwritten"),
    });
    expect((await store.unlock(PASSWORD)).address).toBe(address);
  });

  it("says plainly when there is no wallet yet", async () => {
    const store = new WalletStore(dir, FAST);
    await expect(store.address()).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("create or import"),
    });
  });
});
