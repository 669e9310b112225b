import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Wallet, parseEther } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { readTask } from "../../src-main/chain/task-views.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { TINY_LLAMA_FILE, ensureTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";

// An operator's network, as on separate machines: the chain (a devnet's, here only the chain), and
// three data folders and three processes — `pouw-miner oracle`, `pouw-miner router` and a miner
// (`pouw-miner headless --network FILE`) — each with its own wallet, started only from the
// deployment file. A request to the router comes back settled with its receipt.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const password = "correct horse battery";
let root: string;
let devnet: RunningDevnet;
const operators: Operator[] = [];
let miner: HeadlessProcess | undefined;

interface Operator {
  child: ChildProcess;
  result: Record<string, unknown>;
  stop(): Promise<number | null>;
}

async function startOperator(command: "oracle" | "router", args: string[]): Promise<Operator> {
  const child = spawn(process.execPath, ["bin/pouw-miner.js", command, "--json", ...args], {
    cwd: repoRoot,
    env: { ...process.env, [PASSWORD_ENV]: password },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit");
  const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const json = JSON.parse(line) as Record<string, unknown>;
      if (json.type === "result") resolve(json);
      if (json.type === "error") reject(new Error(`${command} failed: ${line}`));
    });
    void exited.then(() => reject(new Error(`${command} exited before it was ready: ${stderr}`)));
  });
  const operator = {
    child,
    result,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  operators.push(operator);
  return operator;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-operators-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
});
afterAll(async () => {
  await miner?.stop(10_000);
  for (const o of operators.splice(0)) await o.stop();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A wallet in `dir`, funded by the devnet's spare account with gas money and `tokens`. */
async function fundedWallet(dir: string, tokens: bigint): Promise<string> {
  const { address } = await new WalletStore(path.join(dir, "wallet"), { scryptN: 2 ** 10 }).create(password);
  const provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  try {
    const spare = devnet.info.accounts.find((a) => a.role === "spare")!;
    const funder = new Wallet(spare.privateKey, provider);
    await (await funder.sendTransaction({ to: address, value: parseEther("5") })).wait();
    await connectProtocol(devnet.info, funder).token.send("transfer", address, tokens);
  } finally {
    provider.destroy();
  }
  return address;
}

describe("operators on separate data folders and processes, from one deployment file", () => {
  it("an oracle, a router and a miner started from the deployment file settle a router request", async () => {
    const file = deploymentFile(path.join(root, "chain"));
    const dirs = {
      oracle: path.join(root, "oracle"),
      router: path.join(root, "router"),
      miner: path.join(root, "miner"),
    };
    const oracleAddress = await fundedWallet(dirs.oracle, parseEther("200"));
    await fundedWallet(dirs.router, parseEther("200"));
    await fundedWallet(dirs.miner, parseEther("200"));
    const models = await ensureTinyLlamaModel(path.join(root, "models"));
    const modelName = TINY_LLAMA_FILE.replace(/\.gguf$/, "");

    const oracle = await startOperator("oracle", ["--network", file, "--data-dir", dirs.oracle]);
    expect(oracle.result).toMatchObject({ role: "oracle", address: oracleAddress, chainId: devnet.info.chainId });
    miner = await launchHeadlessProcess({
      args: ["--network", file, "--data-dir", dirs.miner, "--model", models.model.path, "--threads", "1"],
      env: { [PASSWORD_ENV]: password },
    });
    // The router answers only requests with one of its keys, each paid by its wallet up to a limit.
    const created = spawnSync(
      process.execPath,
      ["bin/pouw-miner.js", "router", "keys", "create", "--data-dir", dirs.router, "--limit", "50", "--json"],
      {
        cwd: repoRoot,
        encoding: "utf8",
      },
    );
    expect(created.status, created.stderr).toBe(0);
    const apiKey = String((JSON.parse(created.stdout.trim().split("\n").pop()!) as { key: string }).key);
    const router = await startOperator("router", ["--network", file, "--data-dir", dirs.router, "--models", modelName]);
    const url = String(router.result.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model: modelName,
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 8,
      }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { choices: Array<{ message: { content: string } }>; pouw: { taskId: string } };
    expect(answer.choices[0]!.message.content.length).toBeGreaterThan(0);

    // Settled on chain by the operator's oracle, for the miner's wallet.
    const provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
    try {
      const task = await readTask(connectProtocol(devnet.info, provider).tasks, BigInt(answer.pouw.taskId));
      expect(task.state).toBe("End");
      expect(await connectProtocol(devnet.info, provider).nodePool.read("isActiveOracle", oracleAddress)).toBe(true);
    } finally {
      provider.destroy();
    }
    expect(await router.stop()).toBe(0);
    expect(await oracle.stop()).toBe(0);
  }, 240_000);

  it("refuses to start without a wallet in its data folder, in one line", async () => {
    const run = spawn(
      process.execPath,
      [
        "bin/pouw-miner.js",
        "oracle",
        "--network",
        deploymentFile(path.join(root, "chain")),
        "--data-dir",
        path.join(root, "nobody"),
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, [PASSWORD_ENV]: password },
      },
    );
    let stderr = "";
    run.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(run, "exit")) as [number];
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("pouw-miner wallet create --data-dir");
  });
});
