import { Wallet, parseEther } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { FailoverJsonRpcProvider } from "../../src-main/chain/failover-provider.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

// A network with several RPC endpoints: a dead one and one that is cut mid-way are passed over, and
// reads and transactions go on through the next, with each endpoint's health reported.
let anvil: AnvilInstance;
let proxy: TcpProxy;

beforeAll(async () => {
  anvil = await startAnvil();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(anvil.rpcUrl).port) });
});
afterAll(async () => {
  await proxy?.close();
  await anvil?.stop();
});

describe("RPC failover", () => {
  it("passes over a dead endpoint and one cut mid-way; reads and sends go on through the next", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const provider = createProvider([dead, proxy.url, anvil.rpcUrl], { chainId: anvil.chainId });
    try {
      expect(provider).toBeInstanceOf(FailoverJsonRpcProvider);
      const failover = provider as FailoverJsonRpcProvider;
      const first = await provider.getBlockNumber();
      expect(failover.health().map((h) => h.healthy)).toEqual([false, true, true]);
      expect(failover.health()[0]!.lastError).toBeTruthy();

      await proxy.cut();
      const wallet = new Wallet(anvil.accounts[0]!.privateKey, provider);
      const tx = await wallet.sendTransaction({ to: anvil.accounts[1]!.address, value: parseEther("1") });
      const receipt = await provider.getTransactionReceipt(tx.hash);
      expect(receipt?.status).toBe(1);
      expect(await provider.getBlockNumber()).toBeGreaterThan(first);
      expect(failover.health().map((h) => h.healthy)).toEqual([false, false, true]);

      // A revert is an answer, not a failure: no endpoint is marked down for it.
      const before = failover.health().map((h) => h.failures);
      await expect(
        provider.call({ to: anvil.accounts[1]!.address, data: "0x12345678", from: anvil.accounts[0]!.address }),
      ).resolves.toBe("0x");
      await expect(provider.send("eth_noSuchMethod", [])).rejects.toThrow();
      expect(failover.health().map((h) => h.failures)).toEqual(before);
    } finally {
      provider.destroy();
      await proxy.restore();
    }
  });

  it("keeps one plain provider for one URL", () => {
    const provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
    expect(provider).not.toBeInstanceOf(FailoverJsonRpcProvider);
    provider.destroy();
  });
});
