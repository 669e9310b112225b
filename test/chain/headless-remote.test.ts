import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { createMinerCore, type MinerCore } from "../helpers/miner-core.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { FakeInference } from "../helpers/fake-inference.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { PouwError } from "../../src-shared/errors.js";

// A network given by deployment file is "someone else's chain": the core must not fund itself.
let root: string;
let devnet: RunningDevnet;
let core: MinerCore | undefined;
const password = "correct horse battery";

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-remote-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
});

afterAll(async () => {
  await core?.close();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the miner core on a network from a deployment file", () => {
  it("refuses to register an unfunded wallet, starts nothing, and mines once the wallet is funded", async () => {
    const dataDir = path.join(root, "miner");
    const options = {
      dataDir,
      network: { deploymentFile: deploymentFile(path.join(root, "chain")) },
      password,
      appVersion: "0.0.0-test",
      inference: new FakeInference(),
      pollMs: 100,
      scryptN: 2 ** 10,
    };

    const failed = await createMinerCore(options).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(PouwError);
    expect((failed as PouwError).code).toBe("INSUFFICIENT_FUNDS");
    expect((failed as PouwError).message).not.toMatch(/\n/);
    // It never started a devnet of its own.
    expect(existsSync(path.join(dataDir, "devnet"))).toBe(false);

    const address = await new WalletStore(path.join(dataDir, "wallet")).address();
    const provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
    try {
      const spare = devnet.info.accounts.find((a) => a.role === "spare");
      if (!spare) throw new Error("the devnet has no spare account");
      const funder = new Wallet(spare.privateKey, provider);
      await (await funder.sendTransaction({ to: address, value: parseEther("1") })).wait();
      const funded = connectProtocol(devnet.info, funder);
      const minStake = await funded.nodePool.read("minStake");
      await funded.token.send("transfer", address, minStake);

      core = await createMinerCore(options);
      expect(core.address).toBe(address);
      const { snapshot } = core.getSnapshot();
      expect(snapshot.network).toMatchObject({ name: "deployment", chainId: devnet.info.chainId, connected: true });
      expect(snapshot.mining.state).toBe("mining");
      expect(core.processes()).toEqual([]);
      const node = await funded.nodePool.read("getNode", address);
      expect(node.stake).toBe(minStake);
    } finally {
      provider.destroy();
    }
  });
});
