import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { runCli } from "../../src-main/cli/main.js";
import { verifyDeployment } from "../../src-main/chain/verify-deployment.js";
import { Deployment } from "../../src-shared/deployment.js";
import { Capture } from "../helpers/capture.js";

let anvil: AnvilInstance;
let dir: string;
let keyFile: string;

beforeAll(async () => {
  anvil = await startAnvil({ accounts: 2 });
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-deploy-"));
  keyFile = path.join(dir, "deployer.key");
  const deployer = anvil.accounts[0];
  if (!deployer) throw new Error("no dev account");
  await writeFile(keyFile, `${deployer.privateKey}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await anvil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function deploy(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["devnet", "deploy", "--json", ...argv], { stdout, stderr });
  return { code, stdout, stderr };
}

describe("pouw-miner devnet deploy", () => {
  it("deploys to a chain given by URL and writes a deployment file the app can read", async () => {
    const out = path.join(dir, "net", "deployment.json");
    const { code, stdout, stderr } = await deploy("--rpc-url", anvil.rpcUrl, "--key-file", keyFile, "--out", out);
    expect(stderr.text).toBe("");
    expect(code).toBe(0);
    const result = stdout.jsonLines.at(-1);
    expect(result).toMatchObject({ type: "result", chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, file: out });

    const deployment = Deployment.parse(JSON.parse(await readFile(out, "utf8")));
    expect(deployment.rpcUrl).toBe(anvil.rpcUrl);
    expect(deployment.contracts).toEqual((result as { contracts: unknown }).contracts);
    const provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
    try {
      expect(await verifyDeployment(deployment, provider)).toEqual({ ok: true, deployment });
      // A deployment file for another chain must not pass as this one's.
      expect(await verifyDeployment({ ...deployment, chainId: 1 }, provider)).toMatchObject({ ok: false });
    } finally {
      provider.destroy();
    }

    const again = await deploy("--rpc-url", anvil.rpcUrl, "--key-file", keyFile, "--out", out);
    expect(again.code).toBe(1);
    expect(again.stderr.text).toContain("already exists; pass --force");
  });

  it("fails with one line, never echoing the key, when the key file is not a key", async () => {
    const bad = path.join(dir, "bad.key");
    await writeFile(bad, "not-a-secret-key-but-close\n");
    const { code, stderr } = await deploy(
      "--rpc-url",
      anvil.rpcUrl,
      "--key-file",
      bad,
      "--out",
      path.join(dir, "x.json"),
    );
    expect(code).toBe(1);
    expect(stderr.text.trim().split("\n")).toHaveLength(1);
    expect(stderr.text).toContain("does not hold a valid private key");
    expect(stderr.text).not.toContain("not-a-secret");
  });

  it("refuses a deployer with nothing to pay gas with", async () => {
    const poor = path.join(dir, "poor.key");
    await writeFile(poor, Wallet.createRandom().privateKey);
    const { code, stdout } = await deploy(
      "--rpc-url",
      anvil.rpcUrl,
      "--key-file",
      poor,
      "--out",
      path.join(dir, "poor.json"),
    );
    expect(code).toBe(1);
    expect(stdout.jsonLines.at(-1)).toMatchObject({ type: "error", error: { code: "INSUFFICIENT_FUNDS" } });
  });

  it("says so when nothing answers at the RPC URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await deploy(
      "--rpc-url",
      url,
      "--key-file",
      keyFile,
      "--out",
      path.join(dir, "none.json"),
    );
    expect(code).toBe(1);
    expect(stderr.text).toContain(`no JSON-RPC server answers at ${url}`);
  });

  it("needs its three options and takes no devnet options", async () => {
    expect((await deploy("--rpc-url", anvil.rpcUrl)).code).toBe(2);
    const mixed = await deploy("--rpc-url", anvil.rpcUrl, "--key-file", keyFile, "--out", "x.json", "--port", "1");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr.text).toContain("--port");
  });
});
