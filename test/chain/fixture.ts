import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { hexlify, parseEther, Wallet, type JsonRpcProvider, type TransactionReceipt } from "ethers";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { connectProtocol, type ProtocolContracts } from "../../src-main/chain/contracts.js";
import { deployProtocol, type DeployParams } from "../../src-main/chain/deploy.js";
import { createProvider, revert, snapshot } from "../../src-main/chain/provider.js";
import { commitmentOf, modelIdOf, outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";

export const MODEL = modelIdOf("stories260K");
export const STAKE = parseEther("100");
/** Stand-ins for the pinned GGUF files' sha256 (chain tests never read a model file). */
export const MODEL_SHA256 = outputHashOf("stories260K.gguf");
export const EMBEDDING_MODEL = modelIdOf("stories260K-meanpool");
export const EMBEDDING_SHA256 = outputHashOf("stories260K-meanpool.gguf");

export interface Node {
  wallet: Wallet;
  address: string;
  c: ProtocolContracts;
}

export interface Chain {
  anvil: AnvilInstance;
  provider: JsonRpcProvider;
  deployment: Deployment;
  owner: Node;
  miners: Node[];
  oracles: Node[];
  requesters: Node[];
  /** Every address that may hold tokens, for conservation checks. */
  holders: string[];
  stop(): Promise<void>;
}

export interface ChainOptions {
  miners?: number;
  oracles?: number;
  requesters?: number;
  params?: Partial<DeployParams>;
}

/** Starts anvil, deploys the protocol and registers staked miners and oracles. */
export async function startChain(opts: ChainOptions = {}): Promise<Chain> {
  const nMiners = opts.miners ?? 7;
  const nOracles = opts.oracles ?? 2;
  const nRequesters = opts.requesters ?? 2;
  const anvil = await startAnvil({ accounts: 1 + nMiners + nOracles + nRequesters });
  try {
    return await setUp(anvil, nMiners, nOracles, nRequesters, opts.params);
  } catch (err) {
    // Setup failed after anvil started: end it here, the caller has nothing to stop.
    await anvil.stop();
    throw err;
  }
}

async function setUp(
  anvil: AnvilInstance,
  nMiners: number,
  nOracles: number,
  nRequesters: number,
  params: Partial<DeployParams> | undefined,
): Promise<Chain> {
  const provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
  const nodeAt = (i: number): Node => {
    const account = anvil.accounts[i];
    if (!account) throw new Error(`no dev account ${i}`);
    const wallet = new Wallet(account.privateKey, provider);
    return { wallet, address: wallet.address, c: undefined as unknown as ProtocolContracts };
  };
  const owner = nodeAt(0);
  const pins = {
    approvedModels: [{ modelId: MODEL, sha256: MODEL_SHA256 }],
    embeddingModel: { modelId: EMBEDDING_MODEL, sha256: EMBEDDING_SHA256 },
  };
  const { deployment } = await deployProtocol(owner.wallet, { ...pins, ...params });
  const bind = (n: Node): Node => ({ ...n, c: connectProtocol(deployment, n.wallet) });
  const ownerNode = bind(owner);
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => bind(nodeAt(from + i)));
  const miners = range(1, nMiners);
  const oracles = range(1 + nMiners, nOracles);
  const requesters = range(1 + nMiners + nOracles, nRequesters);

  for (const n of [...miners, ...oracles, ...requesters]) {
    await ownerNode.c.token.send("transfer", n.address, parseEther("10000"));
  }
  for (const [i, m] of miners.entries()) {
    await m.c.token.send("approve", deployment.contracts.nodePool, STAKE);
    await m.c.nodePool.send("register", nodeRoleIndex("Miner"), STAKE, 1000 + i, [MODEL]);
  }
  for (const o of oracles) {
    await o.c.token.send("approve", deployment.contracts.nodePool, STAKE);
    await o.c.nodePool.send("register", nodeRoleIndex("Oracle"), STAKE, 0, []);
  }
  const holders = [ownerNode, ...miners, ...oracles, ...requesters].map((n) => n.address);
  holders.push(...Object.values(deployment.contracts));
  return {
    anvil,
    provider,
    deployment,
    owner: ownerNode,
    miners,
    oracles,
    requesters,
    holders,
    stop: () => anvil.stop(),
  };
}

export function nodeOf(chain: Chain, address: string): Node {
  const all = [...chain.miners, ...chain.oracles, ...chain.requesters, chain.owner];
  const n = all.find((x) => x.address.toLowerCase() === address.toLowerCase());
  if (!n) throw new Error(`no test node for ${address}`);
  return n;
}

export interface UserTaskOptions {
  k: number;
  payment?: bigint;
  priority?: number;
  prompt?: string;
}

export async function requestUserTask(chain: Chain, requester: Node, opts: UserTaskOptions): Promise<bigint> {
  return (await requestUserTaskWithReceipt(chain, requester, opts)).taskId;
}

/**
 * The draw after a request (any later block): assigns the task when enough miners are idle, else
 * leaves it waiting in Request (undefined). The requester sends it, as the router does.
 */
export async function drawTask(by: Node, taskId: bigint): Promise<TransactionReceipt | undefined> {
  try {
    return await by.c.tasks.send("assign", taskId);
  } catch (err) {
    // Nobody idle yet, or an oracle node drew it first.
    if (/NoMinersAvailable|WrongState/.test(String(err))) return undefined;
    throw err;
  }
}

/** A background task requested by an oracle through the incentive pool, its creator drawn. */
export async function requestBackgroundTask(chain: Chain, oracle: Node, k: number, modelId = MODEL): Promise<bigint> {
  await oracle.c.incentivePool.send("requestBackgroundTask", modelId, k);
  const taskId = await chain.owner.c.tasks.read("taskCount");
  await drawTask(oracle, taskId);
  return taskId;
}

export async function requestUserTaskWithReceipt(
  chain: Chain,
  requester: Node,
  opts: UserTaskOptions,
): Promise<{ taskId: bigint; receipt: TransactionReceipt; assignReceipt: TransactionReceipt | undefined }> {
  const payment = opts.payment ?? parseEther("10");
  const prompt = opts.prompt ?? "Once upon a time";
  await requester.c.token.send("approve", chain.deployment.contracts.tasks, payment);
  const spec = {
    modelId: MODEL,
    promptHash: outputHashOf(prompt),
    promptUri: prompt,
    maxTokens: 64,
    temperatureMilli: 0,
    seed: 42,
    k: opts.k,
    priority: opts.priority ?? 2,
  };
  const receipt = await requester.c.tasks.send("requestTask", spec, payment);
  const taskId = await requester.c.tasks.read("taskCount");
  return { taskId, receipt, assignReceipt: await drawTask(requester, taskId) };
}

export interface MinerRun {
  node: Node;
  slot: number;
  output: string;
  salt: string;
}

/** Reads the task's slots and returns each assigned miner with an output to give. */
export async function assignedMiners(
  chain: Chain,
  taskId: bigint,
  outputFor: (slot: number) => string,
): Promise<MinerRun[]> {
  const t = await readTask(chain.owner.c.tasks, taskId);
  const slots = await readSlots(chain.owner.c.tasks, taskId, t.k);
  return slots
    .map((s, slot) => ({ s, slot }))
    .filter(({ s }) => s.status !== "Dropped" && s.status !== "Empty")
    .map(({ s, slot }) => ({
      node: nodeOf(chain, s.miner),
      slot,
      output: outputFor(slot),
      salt: hexlify(randomBytes(32)),
    }));
}

export async function ackAll(taskId: bigint, runs: MinerRun[]): Promise<TransactionReceipt[]> {
  const out: TransactionReceipt[] = [];
  for (const r of runs) out.push(await r.node.c.tasks.send("ack", taskId, r.slot));
  return out;
}

/** The commitment a run's miner precommits on its slot. */
export function commitmentFor(taskId: bigint, r: MinerRun): string {
  const scope = { tasks: r.node.c.tasks.address, taskId, slot: r.slot, miner: r.node.address };
  return commitmentOf(scope, outputHashOf(r.output), r.salt);
}

export async function precommitAll(taskId: bigint, runs: MinerRun[]): Promise<TransactionReceipt[]> {
  const out: TransactionReceipt[] = [];
  for (const r of runs) {
    out.push(await r.node.c.tasks.send("precommit", taskId, r.slot, commitmentFor(taskId, r)));
  }
  return out;
}

export async function revealAll(taskId: bigint, runs: MinerRun[]): Promise<TransactionReceipt[]> {
  const out: TransactionReceipt[] = [];
  for (const r of runs)
    out.push(await r.node.c.tasks.send("reveal", taskId, r.slot, new TextEncoder().encode(r.output), r.salt));
  return out;
}

/** Sum of token balances over every known holder: must equal the fixed supply. */
export async function totalHeld(chain: Chain): Promise<bigint> {
  let sum = 0n;
  for (const h of chain.holders) sum += await chain.owner.c.token.read("balanceOf", h);
  return sum;
}

/** Tokens held by the task contract must be exactly escrow plus what is owed. */
export async function tasksBalanceMatches(chain: Chain): Promise<boolean> {
  const c = chain.owner.c;
  const bal = await c.token.read("balanceOf", chain.deployment.contracts.tasks);
  const escrow = await c.tasks.read("totalEscrow");
  const owed = await c.tasks.read("totalOwed");
  return bal === escrow + owed;
}

/**
 * One chain per test file, every test starting from the fresh deployment (snapshot before, revert
 * after) and required to leave the network's funds conserved. `onReady` receives the chain.
 */
export function freshChainPerTest(opts: ChainOptions, onReady: (chain: Chain) => void): void {
  let chain: Chain | undefined;
  let supply = 0n;
  let snap = "";
  beforeAll(async () => {
    chain = await startChain(opts);
    supply = await chain.owner.c.token.read("totalSupply");
    onReady(chain);
  });
  afterAll(async () => {
    await chain?.stop();
  });
  beforeEach(async () => {
    snap = await snapshot(chain!.provider);
  });
  afterEach(async () => {
    expect(await tasksBalanceMatches(chain!)).toBe(true);
    expect(await totalHeld(chain!)).toBe(supply);
    await revert(chain!.provider, snap);
  });
}
