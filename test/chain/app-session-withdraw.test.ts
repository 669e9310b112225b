import { getAddress, Wallet, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { openSessionHarness, type SessionHarness } from "./app-session-harness.js";

/**
 * Rewards out (issue 17 item 4): POUW from the wallet to an external address through dispatchInvoke
 * on a fresh devnet. The address is checked before any fee (checksum, not a protocol contract, not
 * the wallet itself), the estimate comes first, the tokens arrive to the wei, and a shortfall sends
 * nothing.
 */
const PASSWORD = "correct horse battery";
let h: SessionHarness | undefined;
let provider: JsonRpcProvider | undefined;
const harness = () => h!;
const chain = () => provider!;
const address = () => harness().session.address()!;
const tokenWei = () => BigInt(harness().snap().wallet!.tokenWei);
const token = () => connectProtocol(harness().session.network.deployment, chain()).token;

beforeAll(async () => {
  h = await openSessionHarness({ prefix: "pouw-app-withdraw-" });
  const net = h.session.network;
  provider = createProvider(net.rpcUrl, { chainId: net.chainId });
  await h.call("createWallet", { password: PASSWORD });
  await h.call("confirmBackup");
  // The devnet funds a new wallet with tokens; wait until the snapshot shows them.
  for (let i = 0; i < 100 && !(harness().snap().wallet && tokenWei() > 0n); i++)
    await h.call("completeSetupStep", { step: "hardware" });
  expect(tokenWei()).toBeGreaterThan(0n);
});

afterAll(async () => {
  provider?.destroy();
  await h?.close();
});

describe("withdrawing POUW to an external address", () => {
  it("refuses a bad checksum, the protocol's contracts and the wallet itself before any fee, sending nothing", async () => {
    const nonce = await chain().getTransactionCount(address());
    const dest = Wallet.createRandom().address;
    const broken =
      dest.slice(0, 2) +
      [...dest.slice(2)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
    const cases: [string, RegExp][] = [
      [broken, /checksum/],
      [token().address, /protocol's token contract/],
      [harness().session.network.deployment.contracts.tasks, /protocol's tasks contract/],
      [address(), /this wallet's own address/],
    ];
    for (const [to, why] of cases) {
      if (to === broken && broken.toLowerCase() === broken) continue; // an address with no letters has no checksum to break
      expect(await harness().fails("estimateAction", { action: "withdrawTo", amountWei: "1", to })).toMatchObject({
        code: "INVALID_PARAMS",
        message: expect.stringMatching(why),
      });
      expect(await harness().fails("withdrawTo", { to, amountWei: "1" })).toMatchObject({
        code: "INVALID_PARAMS",
        message: expect.stringMatching(why),
      });
    }
    expect(await chain().getTransactionCount(address())).toBe(nonce);
  });

  it("estimates, then sends exactly the amount: the wallet's tokens go down and the address's go up by it", async () => {
    const dest = Wallet.createRandom().address;
    const before = tokenWei();
    const amount = before / 3n;
    const estimate = await harness().call("estimateAction", {
      action: "withdrawTo",
      amountWei: amount.toString(),
      to: dest.toLowerCase(),
    });
    expect(estimate).toMatchObject({ action: "withdrawTo", affordable: true });
    expect(BigInt(estimate.feeWei)).toBeGreaterThan(0n);
    const tx = await harness().call("withdrawTo", { to: dest.toLowerCase(), amountWei: amount.toString() });
    expect(tx).toEqual({ txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), amountWei: amount.toString() });
    expect(await token().read("balanceOf", getAddress(dest))).toBe(amount);
    // The action answers only once the snapshot shows its effect.
    expect(tokenWei()).toBe(before - amount);
  });

  it("answers a shortfall as unaffordable in the estimate and INSUFFICIENT_FUNDS on sending, with nothing sent", async () => {
    const dest = Wallet.createRandom().address;
    const tooMuch = (tokenWei() + 1n).toString();
    expect(
      await harness().call("estimateAction", { action: "withdrawTo", amountWei: tooMuch, to: dest }),
    ).toMatchObject({
      affordable: false,
      message: expect.stringMatching(
        /^not enough POUW: sending [\d.]+ needs that much in the wallet, which holds [\d.]+$/,
      ),
    });
    const nonce = await chain().getTransactionCount(address());
    expect(await harness().fails("withdrawTo", { to: dest, amountWei: tooMuch })).toMatchObject({
      code: "INSUFFICIENT_FUNDS",
    });
    expect(await chain().getTransactionCount(address())).toBe(nonce);
  });
});
