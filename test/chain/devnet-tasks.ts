import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { connectProtocol, type ProtocolContracts } from "../../src-main/chain/contracts.js";
import { outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import type { Deployment } from "../../src-shared/deployment.js";
import type { DevAccountRole, DevnetAccount } from "../../src-shared/devnet-info.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import { waitFor } from "./miner-harness.js";

/** A devnet seen from outside a miner: its contracts, funded dev accounts and a provider. */
export interface DevnetView {
  deployment: Deployment;
  devAccounts: readonly DevnetAccount[];
  provider: JsonRpcProvider;
}

export function devAccount(
  net: DevnetView,
  role: DevAccountRole,
): { address: string; wallet: Wallet; c: ProtocolContracts } {
  const account = net.devAccounts.find((a) => a.role === role);
  if (!account) throw new Error(`the devnet has no ${role} account`);
  const wallet = new Wallet(account.privateKey, net.provider);
  return { address: wallet.address, wallet, c: connectProtocol(net.deployment, wallet) };
}

/** The requester dev account asks for one user task (k = 1) for `modelId`; returns its id. */
export async function requestTask(net: DevnetView, modelId: string, prompt = "Once upon a time"): Promise<bigint> {
  const requester = devAccount(net, "requester");
  const payment = parseEther("10");
  await requester.c.token.send("approve", net.deployment.contracts.tasks, payment);
  const spec = {
    modelId,
    promptHash: outputHashOf(prompt),
    promptUri: prompt,
    maxTokens: 32,
    temperatureMilli: 0,
    seed: 42,
    k: 1,
    priority: 2,
  };
  await requester.c.tasks.send("requestTask", spec, payment);
  const taskId = await requester.c.tasks.read("taskCount");
  // The draw, a block later (the request's own block hash seeds it); a running oracle may beat us to
  // it, and while every miner is busy the task waits in Request for the oracle's next draw.
  await requester.c.tasks.send("assign", taskId).catch((err: unknown) => {
    if (!/WrongState|NoMinersAvailable/.test(String(err))) throw err;
  });
  return taskId;
}

/** The oracle dev account (registered on first use) scores a task once its reveals are in. */
export async function scoreWhenRevealed(
  net: DevnetView,
  taskId: bigint,
  miner: string,
  timeoutMs = 40_000,
): Promise<void> {
  const oracle = devAccount(net, "oracle");
  if (!(await oracle.c.nodePool.read("isActiveOracle", oracle.address))) {
    const minStake = await oracle.c.nodePool.read("minStake");
    await oracle.c.token.send("approve", net.deployment.contracts.nodePool, minStake);
    await oracle.c.nodePool.send("register", nodeRoleIndex("Oracle"), minStake, 0, []);
  }
  const tasks = oracle.c.tasks;
  await waitFor(`reveal of task ${taskId}`, async () => (await readTask(tasks, taskId)).revealsClosed, timeoutMs);
  const slots = await readSlots(tasks, taskId, 1);
  if (slots[0]?.miner !== miner) throw new Error(`task ${taskId} went to ${slots[0]?.miner}, not ${miner}`);
  await tasks.send("submitPoi", taskId, [9_500]);
}

/**
 * What the network around a miner does for one user task: the requester asks for it (k = 1), and
 * once the miner has revealed, the oracle submits its PoI.
 */
export async function requestAndScoreTask(net: DevnetView, modelId: string, miner: string): Promise<bigint> {
  const taskId = await requestTask(net, modelId);
  await scoreWhenRevealed(net, taskId, miner);
  return taskId;
}

/**
 * Every transaction `from` sent since `fromBlock`, decoded against the tasks contract: one entry
 * per (method, taskId) with how often it was sent — what "never sent twice" is checked with.
 */
export async function taskCallsFrom(
  net: DevnetView,
  from: string,
  fromBlock: number,
): Promise<{ total: number; calls: Map<string, number> }> {
  const iface = connectProtocol(net.deployment, net.provider).tasks.contract.interface;
  const head = await net.provider.getBlockNumber();
  const calls = new Map<string, number>();
  let total = 0;
  for (let n = fromBlock; n <= head; n++) {
    const block = await net.provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== from.toLowerCase()) continue;
      total++;
      if (tx.to?.toLowerCase() !== net.deployment.contracts.tasks.toLowerCase()) continue;
      const parsed = iface.parseTransaction({ data: tx.data });
      if (!parsed) continue;
      const key = `${parsed.name}:${String(parsed.args[0])}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
  }
  return { total, calls };
}
