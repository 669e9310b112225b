import { ContractFactory, parseEther, type Signer } from "ethers";
import { Deployment } from "../../src-shared/deployment.js";
import { PouwError } from "../../src-shared/errors.js";
import { connectProtocol, type ProtocolContracts } from "./contracts.js";
import { waitForReceipt } from "./provider.js";
import {
  IncentivePoolAbi,
  IncentivePoolBytecode,
  NodePoolAbi,
  NodePoolBytecode,
  PouwTasksAbi,
  PouwTasksBytecode,
  PouwTokenAbi,
  PouwTokenBytecode,
  SOURCES_SHA256,
} from "./generated/index.js";

export interface DeployParams {
  tokenSupply: bigint;
  minStake: bigint;
  unbondingDelaySeconds: number;
  /** Stake taken from a miner that stalls a task; 0 = reputation only. */
  slashAmount: bigint;
  /** Seconds allowed in Request, Create, Prepare, Start, Precommit, Commit. */
  windows: { request: number; create: number; prepare: number; start: number; precommit: number; commit: number };
  poiWindowSeconds: number;
  /** Seconds past a deadline after which anyone, not only an oracle, may advance the task. */
  keeperGraceSeconds: number;
  keeperFee: bigint;
  /** A task pays at least k times this (no near-free task can lock a model's miners). */
  minSlotPrice: bigint;
  /** Largest inline reveal (bytes) and hash-reveal URI the contract accepts. */
  maxRevealBytes: number;
  oracleFeeBps: number;
  creatorFeeBps: number;
  similarityThresholdBps: number;
  backgroundImportanceBps: number;
  oracleQuorum: number;
  epochLengthSeconds: number;
  budgetPerEpoch: bigint;
  rewardPerBackgroundTask: bigint;
  maxBackgroundK: number;
  lowDemandThreshold: number;
  incentiveFunding: bigint;
  topics: string[];
  /** Models network-paid tasks may use, each pinned to its GGUF file's sha256 (0x-prefixed hex). */
  approvedModels: ModelPin[];
  /** The Proof-of-Inference embedding model, pinned the same way. */
  embeddingModel?: ModelPin;
}

export interface ModelPin {
  modelId: string;
  sha256: string;
}

/** Devnet defaults: short deadlines, one oracle is enough for PoI finality. */
export const DEFAULT_DEPLOY_PARAMS: DeployParams = {
  tokenSupply: parseEther("100000000"),
  minStake: parseEther("100"),
  unbondingDelaySeconds: 7 * 24 * 3600,
  slashAmount: parseEther("1"),
  windows: { request: 600, create: 300, prepare: 300, start: 60, precommit: 300, commit: 120 },
  poiWindowSeconds: 300,
  keeperGraceSeconds: 120,
  keeperFee: parseEther("0.01"),
  minSlotPrice: parseEther("0.1"),
  maxRevealBytes: 16 * 1024,
  oracleFeeBps: 500,
  creatorFeeBps: 1000,
  similarityThresholdBps: 8000,
  backgroundImportanceBps: 5000,
  oracleQuorum: 1,
  // 40 background tasks per 2 minutes, more than one model's idle miners take at the devnet's pace:
  // they keep earning all hour (and a newcomer's miner finds budget left), not only in its first minutes.
  epochLengthSeconds: 120,
  budgetPerEpoch: parseEther("200"),
  rewardPerBackgroundTask: parseEther("5"),
  maxBackgroundK: 5,
  lowDemandThreshold: 0,
  incentiveFunding: parseEther("1000000"),
  topics: ["a friendly animal", "a rainy day", "a lost toy", "sharing with a friend", "the first day of school"],
  // The devnet approves its own model files once it knows them (devnet/model-approval.ts).
  approvedModels: [],
};

export interface DeployedProtocol {
  deployment: Deployment;
  contracts: ProtocolContracts;
}

async function deployOne(signer: Signer, abi: readonly unknown[], bytecode: string, args: unknown[]): Promise<string> {
  const factory = new ContractFactory(abi as never, bytecode, signer);
  const contract = await factory.deploy(...args);
  // Polled rather than waitForDeployment(): ethers' block-event wait can miss anvil's automined block.
  const tx = contract.deploymentTransaction();
  if (tx && signer.provider) {
    const receipt = await waitForReceipt(signer.provider, tx.hash);
    if (receipt.status !== 1 || !receipt.contractAddress)
      throw new PouwError("CHAIN_ERROR", `deploying a contract failed in transaction ${tx.hash}`);
    return receipt.contractAddress;
  }
  await contract.waitForDeployment();
  return contract.getAddress();
}

/**
 * Deploys token, node pool, incentive pool and task manager, wires their roles, funds the
 * incentive pool and adds its topics. The signer keeps the rest of the token supply.
 */
export async function deployProtocol(signer: Signer, overrides: Partial<DeployParams> = {}): Promise<DeployedProtocol> {
  const p: DeployParams = { ...DEFAULT_DEPLOY_PARAMS, ...overrides };
  const provider = signer.provider;
  if (!provider) throw new PouwError("CHAIN_ERROR", "deployProtocol needs a signer connected to a provider");
  const holder = await signer.getAddress();
  const startBlock = await provider.getBlockNumber();

  const token = await deployOne(signer, PouwTokenAbi, PouwTokenBytecode, [holder, p.tokenSupply]);
  const nodePool = await deployOne(signer, NodePoolAbi, NodePoolBytecode, [
    token,
    p.minStake,
    p.unbondingDelaySeconds,
    p.slashAmount,
  ]);
  const incentivePool = await deployOne(signer, IncentivePoolAbi, IncentivePoolBytecode, [
    token,
    nodePool,
    p.epochLengthSeconds,
    p.budgetPerEpoch,
    p.rewardPerBackgroundTask,
    p.maxBackgroundK,
    p.lowDemandThreshold,
  ]);
  const w = p.windows;
  const taskParams = {
    windows: [w.request, w.create, w.prepare, w.start, w.precommit, w.commit, 0],
    poiWindow: p.poiWindowSeconds,
    keeperGrace: p.keeperGraceSeconds,
    keeperFee: p.keeperFee,
    minSlotPrice: p.minSlotPrice,
    oracleFeeBps: p.oracleFeeBps,
    creatorFeeBps: p.creatorFeeBps,
    similarityThresholdBps: p.similarityThresholdBps,
    backgroundImportanceBps: p.backgroundImportanceBps,
    oracleQuorum: p.oracleQuorum,
    maxRevealBytes: p.maxRevealBytes,
  };
  const tasks = await deployOne(signer, PouwTasksAbi, PouwTasksBytecode, [token, nodePool, incentivePool, taskParams]);

  const contracts = connectProtocol({ contracts: { token, nodePool, tasks, incentivePool } }, signer);
  await contracts.nodePool.send("wire", tasks, incentivePool);
  await contracts.incentivePool.send("wire", tasks);
  if (p.incentiveFunding > 0n) await contracts.token.send("transfer", incentivePool, p.incentiveFunding);
  for (const topic of p.topics) await contracts.incentivePool.send("addTopic", topic);
  for (const m of p.approvedModels) await contracts.incentivePool.send("approveModel", m.modelId, m.sha256);
  if (p.embeddingModel)
    await contracts.incentivePool.send("pinEmbeddingModel", p.embeddingModel.modelId, p.embeddingModel.sha256);

  const version = Number(await contracts.tasks.read("version"));
  const network = await provider.getNetwork();
  const deployment = Deployment.parse({
    chainId: Number(network.chainId),
    contracts: { token, nodePool, tasks, incentivePool },
    version,
    deployedAtBlock: startBlock + 1,
    sourcesSha256: SOURCES_SHA256,
  });
  return { deployment, contracts };
}
