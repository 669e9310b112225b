import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WalletActions } from "../../src-main/wallet/wallet-actions.js";

const RIGHT = "the right password";
let dir: string;
let clock: number;
let wallet: WalletActions;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-backoff-"));
  clock = 1_000_000;
  wallet = await WalletActions.open(path.join(dir, "wallet"), { scryptN: 2 ** 10, backoff: { now: () => clock } });
  await wallet.create(RIGHT);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (err: { code?: string }) => err.code ?? "?",
  );

describe("wallet password checks back off after wrong passwords", () => {
  it("allows three wrong passwords, then refuses every attempt (even the right one) for a doubling wait", async () => {
    for (let i = 0; i < 3; i++) expect(await code(wallet.unlock(`guess ${i}`))).toBe("WRONG_PASSWORD");
    await expect(wallet.unlock(RIGHT)).rejects.toMatchObject({
      code: "TOO_MANY_ATTEMPTS",
      message: "too many wrong passwords: try again in 1 s",
    });
    expect(await code(wallet.recoveryWords(RIGHT))).toBe("TOO_MANY_ATTEMPTS");
    expect(await code(wallet.exportKeystore(RIGHT))).toBe("TOO_MANY_ATTEMPTS");

    clock += 1_000;
    expect(await code(wallet.unlock("guess 3"))).toBe("WRONG_PASSWORD");
    await expect(wallet.unlock(RIGHT)).rejects.toMatchObject({ message: "too many wrong passwords: try again in 2 s" });
    clock += 2_000;
    expect(await code(wallet.unlock("guess 4"))).toBe("WRONG_PASSWORD");
    await expect(wallet.unlock(RIGHT)).rejects.toMatchObject({ message: "too many wrong passwords: try again in 4 s" });

    clock += 4_000;
    expect(await code(wallet.unlock(RIGHT))).toBe("ok"); // the right password resets the count
    expect(await code(wallet.unlock("one typo"))).toBe("WRONG_PASSWORD");
    expect(await code(wallet.unlock(RIGHT))).toBe("ok");
  });

  it("hears attempts fired at once one after another, so a burst gains nothing", async () => {
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => code(wallet.unlock(`burst ${i}`))));
    expect(burst).toEqual([
      "WRONG_PASSWORD",
      "WRONG_PASSWORD",
      "WRONG_PASSWORD",
      ...Array(5).fill("TOO_MANY_ATTEMPTS"),
    ]);
  });

  it("never waits longer than a minute", async () => {
    for (let i = 0; i < 12; i++) {
      clock += 60_000;
      expect(await code(wallet.unlock(`guess ${i}`))).toBe("WRONG_PASSWORD");
    }
    await expect(wallet.unlock(RIGHT)).rejects.toMatchObject({
      message: "too many wrong passwords: try again in 60 s",
    });
  });
});
