import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { CRASH_AT_ENV } from "../../src-main/tx/test-crash.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { TINY_LLAMA_FILE } from "../../src-shared/node/gguf/tiny-llama.js";
import { devAccount, requestTask, scoreWhenRevealed, taskCallsFrom, type DevnetView } from "./devnet-tasks.js";
import { launchHeadless, type HeadlessCli } from "./headless-cli.js";
import { waitFor } from "./miner-harness.js";

// kill -9 of the real `pouw-miner headless` at each point of a task, then a restart before the
// deadline: the task still reaches End, every (task, action) transaction exists exactly once, and
// the reward is in the miner's records and owed on chain. The crash is the test-only
// POUW_TEST_CRASH_AT hook (src-main/tx/test-crash.ts): SIGKILL right after that journal record.
const CRASH_POINTS = [
  "assigned:confirmed",
  "ack:intent",
  "ack:confirmed",
  "output:confirmed",
  "precommit:intent",
  "precommit:confirmed",
  "reveal:confirmed",
];

const password = "correct horse battery";
let root: string;
let devnet: RunningDevnet;
let provider: JsonRpcProvider;
let net: DevnetView;
let miner: string;
let args: string[];
const launched: HeadlessCli[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-crash-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
  provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  net = { deployment: devnet.info, devAccounts: devnet.info.accounts, provider };

  // The miner's wallet exists before the first launch (a cheap scrypt cost), funded by a dev account.
  const dataDir = path.join(root, "miner");
  ({ address: miner } = await new WalletStore(path.join(dataDir, "wallet"), { scryptN: 2 ** 10 }).import(
    { kind: "privateKey", privateKey: Wallet.createRandom().privateKey },
    password,
  ));
  const spare = devAccount(net, "spare");
  await (await spare.wallet.sendTransaction({ to: miner, value: parseEther("1") })).wait();
  await spare.c.token.send("transfer", miner, await spare.c.nodePool.read("minStake"));
  const passwordFile = path.join(root, "password");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  args = [
    "--network",
    deploymentFile(path.join(root, "chain")),
    "--data-dir",
    dataDir,
    "--password-file",
    passwordFile,
    "--threads",
    "1",
  ];
}, 60_000);

afterAll(async () => {
  for (const cli of launched) {
    for (const pid of [cli.child.pid, ...cli.ready.processes.map((p) => p.pid)])
      if (pid !== undefined && pidAlive(pid)) process.kill(pid, "SIGKILL");
  }
  provider?.destroy();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function launch(env: Record<string, string> = {}): Promise<HeadlessCli> {
  const cli = await launchHeadless(args, env);
  launched.push(cli);
  return cli;
}

const networkDir = () =>
  path.join(root, "miner", "networks", `${devnet.info.chainId}-${devnet.info.contracts.tasks.toLowerCase()}`);

async function lastJournalRecord(): Promise<{ action: string; kind: string; taskId: string }> {
  const lines = (await readFile(path.join(networkDir(), "journal.jsonl"), "utf8")).trim().split("\n");
  return JSON.parse(lines.at(-1)!) as { action: string; kind: string; taskId: string };
}

async function readRecords(): Promise<Array<{ taskId: string; reward: string }>> {
  return (
    JSON.parse(await readFile(path.join(networkDir(), "records.json"), "utf8")) as {
      records: Array<{ taskId: string; reward: string }>;
    }
  ).records;
}

describe("kill -9 of pouw-miner headless at each point of a task", () => {
  const modelId = modelIdOf(TINY_LLAMA_FILE.replace(/\.gguf$/, ""));
  const fromBlock = () => devnet.info.deployedAtBlock;

  it.each(CRASH_POINTS)(
    "dies right after journaling %s, and the restarted miner finishes the task once",
    async (point) => {
      const doomed = await launch({ [CRASH_AT_ENV]: point });
      expect(doomed.ready.address).toBe(miner);
      expect(doomed.ready.modelId).toBe(modelId);
      const taskId = await requestTask(net, modelId);

      const end = await doomed.exited;
      expect(end.signal).toBe("SIGKILL");
      const [action, kind] = point.split(":");
      expect(await lastJournalRecord()).toMatchObject({ taskId: taskId.toString(), action, kind });
      // The worker notices its parent is gone and ends too.
      await waitFor(
        "the killed miner's worker to end",
        () => !doomed.ready.processes.some((p) => pidAlive(p.pid)),
        10_000,
      );

      const restarted = await launch();
      await scoreWhenRevealed(net, taskId, miner);
      await waitFor(
        `task ${taskId} to reach End after the restart`,
        async () => (await restarted.status()).tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End"),
        30_000,
      );

      const { calls, total } = await taskCallsFrom(net, miner, fromBlock());
      for (const method of ["ack", "precommit", "reveal"])
        expect(calls.get(`${method}:${taskId}`), `${method} of task ${taskId}`).toBe(1);
      // Nothing else was sent either: every transaction of the account is one of the counted ones.
      expect(await provider.getTransactionCount(miner, "latest")).toBe(total);

      const owed = await connectProtocol(net.deployment, provider).tasks.read("owed", miner);
      await waitFor(
        "the reward in the earnings",
        async () => BigInt((await restarted.status()).earnings.totalWei) === owed,
        10_000,
      );

      const stop = restarted.exited;
      process.kill(restarted.child.pid!, "SIGINT");
      expect((await stop).code).toBe(0);
      // The durable record of this task carries its reward, and all records sum to what is owed.
      const records = await readRecords();
      expect(BigInt(records.find((r) => r.taskId === taskId.toString())?.reward ?? "0")).toBeGreaterThan(0n);
      expect(records.reduce((sum, r) => sum + BigInt(r.reward), 0n)).toBe(owed);
    },
    120_000,
  );

  it("sent nothing twice over all the crashes: one ack, precommit and reveal per task", async () => {
    const { calls, total } = await taskCallsFrom(net, miner, fromBlock());
    const perTask = [...calls.entries()].filter(([key]) => /^(ack|precommit|reveal):/.test(key));
    expect(perTask).toHaveLength(3 * CRASH_POINTS.length);
    expect(perTask.every(([, n]) => n === 1)).toBe(true);
    // approve + register, then three per task.
    expect(total).toBe(2 + 3 * CRASH_POINTS.length);
  });
});
