import { getAddress, Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { checkWithdrawAddress } from "../../src-main/wallet/withdraw-address.js";

const own = Wallet.createRandom().address;
const token = Wallet.createRandom().address;
const tasks = Wallet.createRandom().address;
const protocol = { token, tasks };
// EIP-55's own example: mixed case, so a changed letter case breaks its checksum.
const dest = getAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");

describe("the address rewards are sent to", () => {
  it("accepts a checksummed address and returns it checksummed; a lowercase one carries no checksum and passes", () => {
    expect(checkWithdrawAddress(dest, { own, protocol })).toBe(dest);
    expect(checkWithdrawAddress(` ${dest.toLowerCase()} `, { own, protocol })).toBe(dest);
  });

  it("refuses a mixed-case address whose checksum is wrong (a typo or a cut paste)", () => {
    const broken = dest.replace("0x5aAeb", "0x5AAeb");
    expect(broken).not.toBe(dest);
    expect(() => checkWithdrawAddress(broken, { own, protocol })).toThrow(/checksum/);
  });

  it("refuses what is not an address at all, in one line", () => {
    for (const bad of [
      "",
      "0x123",
      "52908400098527886e0f7030069857d2e4169ee7",
      `${dest}00`,
      "0xZZ08400098527886e0f7030069857d2e4169ee7",
    ]) {
      expect(() => checkWithdrawAddress(bad, { own, protocol })).toThrow(
        /^the address must be 0x followed by 40 hexadecimal digits$/,
      );
    }
  });

  it("refuses the protocol's own contracts, the zero address and the wallet itself", () => {
    expect(() => checkWithdrawAddress(token.toLowerCase(), { own, protocol })).toThrow(/protocol's token contract/);
    expect(() => checkWithdrawAddress(tasks, { own, protocol })).toThrow(/protocol's tasks contract/);
    expect(() => checkWithdrawAddress("0x" + "0".repeat(40), { own, protocol })).toThrow(/zero address/);
    expect(() => checkWithdrawAddress(own, { own, protocol })).toThrow(/this wallet's own address/);
  });

  it("reports INVALID_PARAMS", () => {
    try {
      checkWithdrawAddress(token, { own, protocol });
      expect.unreachable();
    } catch (err) {
      expect((err as { code?: string }).code).toBe("INVALID_PARAMS");
    }
  });
});
