import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { afterAll, describe, expect, it } from "vitest";
import { startAnvil } from "../../src-main/chain/anvil.js";
import { deployProtocol } from "../../src-main/chain/deploy.js";
import { createProvider } from "../../src-main/chain/provider.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "pouw-anvil-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startAnvil", () => {
  it("serves 127.0.0.1 with funded dev accounts, and stop() ends the process", async () => {
    const anvil = await startAnvil({ accounts: 3, chainId: 4242 });
    try {
      expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const provider = createProvider(anvil.rpcUrl, { chainId: 4242 });
      expect((await provider.getNetwork()).chainId).toBe(4242n);
      expect(anvil.accounts).toHaveLength(3);
      const balance = await provider.getBalance(anvil.accounts[2]!.address);
      expect(balance).toBeGreaterThan(0n);
      provider.destroy();
    } finally {
      await anvil.stop();
    }
    expect(isAlive(anvil.pid)).toBe(false);
  });

  it("keeps chain state across restarts with stateFile", async () => {
    const stateFile = path.join(dir, "state.json");
    const first = await startAnvil({ stateFile });
    let tokenAddress: string;
    try {
      const provider = createProvider(first.rpcUrl, { chainId: first.chainId });
      const { deployment } = await deployProtocol(new Wallet(first.accounts[0]!.privateKey, provider));
      tokenAddress = deployment.contracts.token;
      provider.destroy();
    } finally {
      await first.stop();
    }
    const second = await startAnvil({ stateFile });
    try {
      const provider = createProvider(second.rpcUrl, { chainId: second.chainId });
      expect(await provider.getCode(tokenAddress)).not.toBe("0x");
      provider.destroy();
    } finally {
      await second.stop();
    }
  });
});
