import type { Abi } from "abitype";
import { formatEther, type Signer, type TransactionReceipt } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import {
  revertName,
  type AbiOf,
  type CallArgs,
  type NodePool,
  type ProtocolContracts,
  type TypedContract,
  type WriteName,
} from "../chain/contracts.js";
import { waitForReceipt } from "../chain/provider.js";

/** What a transaction is expected to cost, for the user to confirm before it is sent. */
export interface FeeEstimate {
  gas: bigint;
  /** gas × max fee per gas: the most it can cost, in wei. */
  feeWei: bigint;
  /** False when the gas is a fixed allowance because the call cannot be simulated yet (e.g. before an approve). */
  exact: boolean;
}

export interface Account {
  signer: Signer;
  contracts: ProtocolContracts;
}

/** The staking calls of NodePool (register, addStake): the approve comes first when needed. */
type NodePoolAbi = AbiOf<NodePool>;
type StakingMethod = "register" | "addStake";

// register/addStake move tokens the approve (sent just before) allows, so they cannot be simulated
// until it is mined: estimate with an allowance well above what they use (~150k measured).
const STAKE_CALL_GAS = 300_000n;

async function feePerGas(account: Account): Promise<bigint> {
  const fee = await provider(account).getFeeData();
  return fee.maxFeePerGas ?? fee.gasPrice ?? 1_000_000_000n;
}

function provider(account: Account) {
  const p = account.signer.provider;
  if (!p) throw new PouwError("CHAIN_ERROR", "the wallet is not connected to a node");
  return p;
}

export async function estimate<A extends Abi, M extends WriteName<A>>(
  account: Account,
  contract: TypedContract<A>,
  method: M,
  args: CallArgs<A, M>,
  fallbackGas?: bigint,
): Promise<FeeEstimate> {
  const data = contract.contract.interface.encodeFunctionData(method, args);
  const from = await account.signer.getAddress();
  let gas: bigint;
  let exact = true;
  try {
    gas = await provider(account).estimateGas({ from, to: contract.address, data });
  } catch (err) {
    if (fallbackGas === undefined)
      throw new PouwError("CHAIN_ERROR", `${method} would fail: ${revertName(err) ?? firstLine(err)}`, { cause: err });
    gas = fallbackGas;
    exact = false;
  }
  return { gas, feeWei: gas * (await feePerGas(account)), exact };
}

export async function send<A extends Abi, M extends WriteName<A>>(
  account: Account,
  contract: TypedContract<A>,
  method: M,
  args: CallArgs<A, M>,
  fallbackGas?: bigint,
): Promise<TransactionReceipt> {
  const est = await estimate(account, contract, method, args, fallbackGas);
  const from = await account.signer.getAddress();
  const balance = await provider(account).getBalance(from);
  const gasLimit = (est.gas * 12n) / 10n;
  const cost = gasLimit * (await feePerGas(account));
  if (balance < cost) {
    throw new PouwError(
      "INSUFFICIENT_FUNDS",
      `not enough ETH for ${method}: it may cost up to ${formatEther(cost)}, the wallet holds ${formatEther(balance)}`,
    );
  }
  const data = contract.contract.interface.encodeFunctionData(method, args);
  try {
    const tx = await account.signer.sendTransaction({ to: contract.address, data, gasLimit });
    const receipt = await waitForReceipt(provider(account), tx.hash);
    if (receipt.status !== 1) throw new PouwError("CHAIN_ERROR", `${method} reverted in transaction ${tx.hash}`);
    return receipt;
  } catch (err) {
    if (err instanceof PouwError) throw err;
    throw new PouwError("CHAIN_ERROR", `${method} failed: ${revertName(err) ?? firstLine(err)}`, { cause: err });
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

async function needsApproval(account: Account, amount: bigint): Promise<boolean> {
  const owner = await account.signer.getAddress();
  const { token, nodePool } = account.contracts;
  const balance = await token.read("balanceOf", owner);
  if (balance < amount) {
    throw new PouwError(
      "INSUFFICIENT_FUNDS",
      `not enough tokens to stake: it needs ${formatEther(amount)}, the wallet holds ${formatEther(balance)}`,
    );
  }
  return (await token.read("allowance", owner, nodePool.address)) < amount;
}

/** Fees of staking `amount` with `method`: the approve (when needed) plus the staking call. */
async function estimateStaking<M extends StakingMethod>(
  account: Account,
  amount: bigint,
  method: M,
  args: CallArgs<NodePoolAbi, M>,
): Promise<FeeEstimate> {
  const { token, nodePool } = account.contracts;
  if (!(await needsApproval(account, amount))) return estimate(account, nodePool, method, args);
  const approve = await estimate(account, token, "approve", [nodePool.address, amount]);
  const call = await estimate(account, nodePool, method, args, STAKE_CALL_GAS);
  return { gas: approve.gas + call.gas, feeWei: approve.feeWei + call.feeWei, exact: false };
}

async function stake<M extends StakingMethod>(
  account: Account,
  amount: bigint,
  method: M,
  args: CallArgs<NodePoolAbi, M>,
): Promise<TransactionReceipt[]> {
  const { token, nodePool } = account.contracts;
  const receipts: TransactionReceipt[] = [];
  if (await needsApproval(account, amount))
    receipts.push(await send(account, token, "approve", [nodePool.address, amount]));
  receipts.push(await send(account, nodePool, method, args));
  return receipts;
}

export interface MinerRegistration {
  stake: bigint;
  /** Benchmarked tokens per second, declared on chain. */
  speed: number;
  /** On-chain model ids (modelIdOf(name)). */
  models: string[];
}

const registerArgs = (r: MinerRegistration): CallArgs<NodePoolAbi, "register"> => [
  nodeRoleIndex("Miner"),
  r.stake,
  r.speed,
  r.models,
];

export const estimateRegisterMiner = (a: Account, r: MinerRegistration) =>
  estimateStaking(a, r.stake, "register", registerArgs(r));
/** Approves the stake if needed, then registers as a miner; returns every receipt. */
export const registerMiner = (a: Account, r: MinerRegistration) => stake(a, r.stake, "register", registerArgs(r));
export const estimateAddStake = (a: Account, amount: bigint) => estimateStaking(a, amount, "addStake", [amount]);
export const addStake = (a: Account, amount: bigint) => stake(a, amount, "addStake", [amount]);
export const estimateRequestUnbond = (a: Account) => estimate(a, a.contracts.nodePool, "requestUnbond", []);
export const requestUnbond = (a: Account) => send(a, a.contracts.nodePool, "requestUnbond", []);
export const estimateWithdrawStake = (a: Account) => estimate(a, a.contracts.nodePool, "withdrawStake", []);
export const withdrawStake = (a: Account) => send(a, a.contracts.nodePool, "withdrawStake", []);
export const estimateWithdrawRewards = (a: Account) => estimate(a, a.contracts.tasks, "withdraw", []);

/** Pays out every reward owed to this account (PouwTasks.withdraw); returns the amount. */
export async function withdrawRewards(a: Account): Promise<{ amount: bigint; receipt: TransactionReceipt }> {
  const owed = await a.contracts.tasks.read("owed", await a.signer.getAddress());
  if (owed === 0n) throw new PouwError("NOT_FOUND", "there are no rewards to withdraw");
  return { amount: owed, receipt: await send(a, a.contracts.tasks, "withdraw", []) };
}

/** The stake a miner needs: the contract's minimum, read rather than assumed. */
export function minStakeOf(contracts: ProtocolContracts): Promise<bigint> {
  return contracts.nodePool.read("minStake");
}

/** Registers as a miner serving `models` with the minimum stake, unless already registered. */
export async function ensureRegistered(opts: {
  signer: Signer & { address: string };
  contracts: ProtocolContracts;
  models: string[];
  speed: number;
  onLog?: (line: string) => void;
}): Promise<{ justRegistered: boolean }> {
  const node = await opts.contracts.nodePool.read("getNode", opts.signer.address);
  if (node.stake > 0n) return { justRegistered: false };
  const stake = await minStakeOf(opts.contracts);
  await registerMiner(
    { signer: opts.signer, contracts: opts.contracts },
    { stake, speed: opts.speed, models: opts.models },
  );
  opts.onLog?.(`registered ${opts.signer.address} as a miner with a stake of ${formatEther(stake)}`);
  return { justRegistered: true };
}
