import { Wallet, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { deployProtocol } from "../../src-main/chain/deploy.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { verifyNetwork } from "../../src-main/chain/verify-network.js";
import type { Deployment } from "../../src-shared/deployment.js";

let anvil: AnvilInstance;
let provider: JsonRpcProvider;
let deployment: Deployment;

beforeAll(async () => {
  anvil = await startAnvil();
  provider = createProvider(anvil.rpcUrl);
  ({ deployment } = await deployProtocol(new Wallet(anvil.accounts[0]!.privateKey, provider)));
});
afterAll(async () => {
  await anvil?.stop();
});

describe("verifyNetwork", () => {
  it("accepts the deployment it was made for", async () => {
    await expect(verifyNetwork(provider, deployment, anvil.rpcUrl)).resolves.toEqual({
      chainId: anvil.chainId,
      version: 2,
    });
  });

  it("names a wrong chain id", async () => {
    await expect(verifyNetwork(provider, { ...deployment, chainId: 1 }, anvil.rpcUrl)).rejects.toMatchObject({
      message: `the RPC at ${anvil.rpcUrl} is chain ${anvil.chainId}, but the deployment is for chain 1`,
    });
  });

  it("names a contract address with no code", async () => {
    const empty = Wallet.createRandom().address;
    await expect(
      verifyNetwork(provider, { ...deployment, contracts: { ...deployment.contracts, nodePool: empty } }, "rpc"),
    ).rejects.toMatchObject({
      message: expect.stringContaining(`no contract at ${empty} (nodePool)`),
    });
  });

  it("says when an address holds some other contract", async () => {
    const notPouw = { ...deployment, contracts: { ...deployment.contracts, tasks: deployment.contracts.token } };
    await expect(verifyNetwork(provider, notPouw, "rpc")).rejects.toMatchObject({
      message: expect.stringContaining("is not a PoUW contract"),
    });
  });

  it("says when the network cannot be reached", async () => {
    const dead = createProvider("http://127.0.0.1:9", { chainId: 31337 });
    await expect(verifyNetwork(dead, deployment, "http://127.0.0.1:9")).rejects.toMatchObject({
      message: expect.stringContaining("cannot reach"),
    });
    dead.destroy();
  });
});
