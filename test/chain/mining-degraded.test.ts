import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
import { waitFor } from "./miner-harness.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

// The miner reaches its chain through a proxy the test cuts: the state must say so, then recover.
const password = "correct horse battery";
let root: string;
let devnet: RunningDevnet;
let proxy: TcpProxy;
let core: MinerCore | undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-degraded-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
  const rpc = new URL(devnet.info.rpcUrl);
  proxy = await startTcpProxy({ host: rpc.hostname, port: Number(rpc.port) });
  const deployment = JSON.parse(await readFile(deploymentFile(path.join(root, "chain")), "utf8")) as Record<
    string,
    unknown
  >;
  const viaProxy = path.join(root, "via-proxy.json");
  await writeFile(viaProxy, JSON.stringify({ ...deployment, rpcUrl: proxy.url }));

  const dataDir = path.join(root, "miner");
  const { address } = await new WalletStore(path.join(dataDir, "wallet"), { scryptN: 2 ** 10 }).import(
    { kind: "privateKey", privateKey: Wallet.createRandom().privateKey },
    password,
  );
  const provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  try {
    const spare = new Wallet(devnet.info.accounts.find((a) => a.role === "spare")!.privateKey, provider);
    await (await spare.sendTransaction({ to: address, value: parseEther("1") })).wait();
    const funded = connectProtocol(devnet.info, spare);
    await funded.token.send("transfer", address, await funded.nodePool.read("minStake"));
  } finally {
    provider.destroy();
  }
  core = await createMinerCore({
    dataDir,
    network: { deploymentFile: viaProxy },
    password,
    appVersion: "0.0.0-test",
    inference: new FakeInference(),
    pollMs: 100,
    scryptN: 2 ** 10,
  });
}, 60_000);

afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  await core?.close();
  await proxy?.close();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("mining state while the chain is unreachable", () => {
  it("is degraded with the reason and the time it began, and mining again once the chain is back", async () => {
    const mining = () => core!.getSnapshot().snapshot.mining;
    expect(mining().state).toBe("mining");

    await proxy.cut();
    await waitFor("the miner to notice", () => mining().state === "degraded");
    expect(mining().reason).toMatch(/^chain unreachable since \d\d:\d\d$/);
    expect(core!.getSnapshot().snapshot.network.connected).toBe(false);

    await proxy.restore();
    await waitFor("mining again", () => mining().state === "mining", 30_000);
    expect(core!.getSnapshot().snapshot.network.connected).toBe(true);
  });
});
