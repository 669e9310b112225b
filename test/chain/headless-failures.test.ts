import { spawn } from "node:child_process";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src-main/chain/provider.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { Journal } from "../../src-main/tx/journal.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { devAccount, type DevnetView } from "./devnet-tasks.js";
import { launchHeadless } from "./headless-cli.js";

// Each way a headless start can be wrong ends in one line on stderr, exit 1, and leaves the
// wallet and the journal exactly as they were; the same folder then starts fine once fixed.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const password = "correct horse battery";
let root: string;
let devnet: RunningDevnet;
let provider: JsonRpcProvider;
let net: DevnetView;
let dataDir: string;
let address: string;
let goodDeployment: Record<string, unknown>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-failures-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
  provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  net = { deployment: devnet.info, devAccounts: devnet.info.accounts, provider };
  goodDeployment = JSON.parse(await readFile(deploymentFile(path.join(root, "chain")), "utf8")) as Record<
    string,
    unknown
  >;
  dataDir = path.join(root, "miner");
  ({ address } = await new WalletStore(path.join(dataDir, "wallet"), { scryptN: 2 ** 10 }).import(
    { kind: "privateKey", privateKey: Wallet.createRandom().privateKey },
    password,
  ));
  await writeFile(path.join(root, "password"), `${password}\n`, { mode: 0o600 });
  await writeFile(path.join(root, "wrong-password"), "not the password\n", { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function deploymentWith(name: string, change: Record<string, unknown>): Promise<string> {
  const file = path.join(root, `${name}.json`);
  await writeFile(file, JSON.stringify({ ...goodDeployment, ...change }));
  return file;
}

/** Runs `pouw-miner headless` expecting it to fail at start; returns its exit code and stderr. */
async function failingStart(opts: {
  deployment: string;
  dir?: string;
  passwordFile?: string;
}): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[PASSWORD_ENV];
  const args = [
    "bin/pouw-miner.js",
    "headless",
    "--network",
    opts.deployment,
    "--data-dir",
    opts.dir ?? dataDir,
    "--password-file",
    opts.passwordFile ?? path.join(root, "password"),
    "--threads",
    "1",
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  // Progress lines (e.g. "worker … loaded") may come first; the error is the last line.
  return { code, stderr: stderr.trimEnd().split("\n").at(-1) ?? "" };
}

/** sha256 of every file under `dir`, by relative path: "nothing lost" is "nothing changed". */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  }
  return out;
}

describe("pouw-miner headless refuses a bad start in one line and loses nothing", () => {
  it("wrong password", async () => {
    const before = await fingerprint(path.join(dataDir, "wallet"));
    const r = await failingStart({
      deployment: deploymentFile(path.join(root, "chain")),
      passwordFile: path.join(root, "wrong-password"),
    });
    expect(r).toEqual({ code: 1, stderr: "pouw-miner: wrong wallet password" });
    expect(await fingerprint(path.join(dataDir, "wallet"))).toEqual(before);
  });

  it("wrong chain id", async () => {
    const r = await failingStart({ deployment: await deploymentWith("wrong-chain", { chainId: 999 }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pouw-miner: the RPC at ${devnet.info.rpcUrl} is chain ${devnet.info.chainId}, but the deployment is for chain 999`,
    );
  });

  it("no code at a contract address", async () => {
    const nowhere = Wallet.createRandom().address;
    const contracts = { ...(goodDeployment.contracts as Record<string, string>), tasks: nowhere };
    const r = await failingStart({ deployment: await deploymentWith("no-code", { contracts }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^pouw-miner: no contract at ${nowhere} \\(tasks\\) on chain ${devnet.info.chainId}`),
    );
  });

  it("not enough tokens to stake, then not enough gas money", async () => {
    const before = await fingerprint(path.join(dataDir, "wallet"));
    const noTokens = await failingStart({ deployment: deploymentFile(path.join(root, "chain")) });
    expect(noTokens).toEqual({
      code: 1,
      stderr: "pouw-miner: not enough tokens to stake: it needs 100.0, the wallet holds 0.0",
    });
    // Tokens for the stake, but no native currency to pay any gas with.
    const spare = devAccount(net, "spare");
    await spare.c.token.send("transfer", address, await spare.c.nodePool.read("minStake"));
    const noGas = await failingStart({ deployment: deploymentFile(path.join(root, "chain")) });
    expect(noGas.code).toBe(1);
    expect(noGas.stderr).toMatch(
      /^pouw-miner: not enough ETH for approve: it may cost up to [\d.]+, the wallet holds 0\.0$/,
    );
    expect(await fingerprint(path.join(dataDir, "wallet"))).toEqual(before);
    expect(await provider.getTransactionCount(address)).toBe(0);
  });

  it("a corrupt journal file: refused and left as it was; the fixed folder then mines", async () => {
    // Funded now, so the start gets as far as the journal.
    const spare = devAccount(net, "spare");
    await (await spare.wallet.sendTransaction({ to: address, value: parseEther("1") })).wait();
    const networkDir = path.join(
      dataDir,
      "networks",
      `${devnet.info.chainId}-${devnet.info.contracts.tasks.toLowerCase()}`,
    );
    await mkdir(networkDir, { recursive: true });
    const journalFile = path.join(networkDir, "journal.jsonl");
    const journal = await Journal.open(journalFile);
    await journal.append({ kind: "confirmed", taskId: "77", action: "assigned", data: { slot: 0 } });
    await journal.append({ kind: "abandoned", taskId: "77", action: "ack", data: { letGo: true, reason: "test" } });
    await journal.close();
    const good = await readFile(journalFile);
    await writeFile(journalFile, Buffer.from(good.toString("utf8").replace('"assigned"', '"assigneD"')));
    const damaged = await readFile(journalFile);

    const r = await failingStart({ deployment: deploymentFile(path.join(root, "chain")) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pouw-miner: the task journal ${journalFile} is damaged at line 1; it was left as it is — move it aside to start fresh`,
    );
    expect(await readFile(journalFile)).toEqual(damaged);

    // Nothing was lost: with the journal repaired, the same wallet on the same folder mines.
    await writeFile(journalFile, good);
    const cli = await launchHeadless([
      "--network",
      deploymentFile(path.join(root, "chain")),
      "--data-dir",
      dataDir,
      "--password-file",
      path.join(root, "password"),
      "--threads",
      "1",
    ]);
    try {
      expect(cli.ready.address).toBe(address);
      expect((await cli.status()).mining.state).toBe("mining");
    } finally {
      const exited = cli.exited;
      process.kill(cli.child.pid!, "SIGINT");
      expect((await exited).code).toBe(0);
      for (const p of cli.ready.processes) if (pidAlive(p.pid)) process.kill(p.pid, "SIGKILL");
    }
  });
});
