import type { JsonRpcProvider, TransactionReceipt } from "ethers";
import type { ChainAction, GasEstimate, RegistrationView, TxResult, WalletView } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import type { ProtocolContracts } from "./contracts.js";
import { modelIdOf } from "./task-views.js";
import { estimateWithdrawTo } from "./withdraw-action.js";
import {
  addStake,
  estimateAddStake,
  estimateRegisterMiner,
  estimateRequestUnbond,
  estimateWithdrawRewards,
  estimateWithdrawStake,
  registerMiner,
  requestUnbond,
  withdrawRewards,
  withdrawStake,
  type Account,
  type FeeEstimate,
} from "../miner/registration.js";

/** The unlocked wallet on the opened network. */
export interface ChainAccount extends Account {
  address: string;
  provider: JsonRpcProvider;
}

/** What a registration declares: the models this machine serves (on-chain names) and its speed. */
export interface Declaration {
  models: string[];
  speed: number;
}

export const readNode = (a: ChainAccount) => a.contracts.nodePool.read("getNode", a.address);

export async function isRegisteredMiner(a: ChainAccount): Promise<boolean> {
  return Number((await readNode(a)).role) === nodeRoleIndex("Miner");
}

export async function readWalletView(a: ChainAccount, backedUp: boolean): Promise<WalletView> {
  const [nativeWei, tokenWei, node, claimable] = await Promise.all([
    a.provider.getBalance(a.address),
    a.contracts.token.read("balanceOf", a.address),
    readNode(a),
    a.contracts.tasks.read("owed", a.address),
  ]);
  return {
    address: a.address,
    nativeWei: nativeWei.toString(),
    tokenWei: tokenWei.toString(),
    stakeWei: node.stake.toString(),
    claimableWei: claimable.toString(),
    backedUp,
    updatedAt: Date.now(),
  };
}

/**
 * A chain time (unix seconds) as the wall-clock ms the snapshot carries. The chain's clock may run
 * ahead of ours (a devnet's time travel) but is taken as never behind: an idle devnet mines no
 * blocks, so its head's time is old rather than slow.
 */
export function wallClockMs(chainSeconds: number, headSeconds: number | undefined, nowMs = Date.now()): number {
  const chainNow = Math.max(headSeconds ?? 0, nowMs / 1000);
  return Math.max(0, Math.round(nowMs + (chainSeconds - chainNow) * 1000));
}

/** `knownModels` are on-chain names this app knows; the chain says which of them are served. */
export async function readRegistrationView(a: ChainAccount, knownModels: readonly string[]): Promise<RegistrationView> {
  const [node, minStake, head] = await Promise.all([
    readNode(a),
    a.contracts.nodePool.read("minStake"),
    a.provider.getBlock("latest"),
  ]);
  const registered = Number(node.role) === nodeRoleIndex("Miner");
  const served = registered
    ? (
        await Promise.all(
          knownModels.map(async (m) =>
            (await a.contracts.nodePool.read("serves", a.address, modelIdOf(m))) ? m : undefined,
          ),
        )
      ).filter((m): m is string => m !== undefined)
    : [];
  return {
    registered,
    stakeWei: node.stake.toString(),
    minStakeWei: minStake.toString(),
    models: served,
    speed: Number(node.speed),
    ...(node.unbondAt > 0n
      ? { unbondingWei: node.stake.toString(), unbondingUntil: wallClockMs(Number(node.unbondAt), head?.timestamp) }
      : {}),
  };
}

/** The contract unbonds a node's whole stake; a partial amount would silently mean something else. */
async function checkUnbondAmount(a: ChainAccount, amountWei: string | undefined): Promise<void> {
  if (amountWei === undefined) return;
  const { stake } = await readNode(a);
  if (BigInt(amountWei) !== stake)
    throw new PouwError(
      "INVALID_PARAMS",
      "unbonding is all or nothing: leave the amount out to unbond the whole stake",
    );
}

function need(amountWei: string | undefined, action: ChainAction): bigint {
  if (amountWei === undefined) throw new PouwError("INVALID_PARAMS", `${action} needs an amount`);
  return BigInt(amountWei);
}

async function feeOf(
  a: ChainAccount,
  action: ChainAction,
  amountWei: string | undefined,
  decl: Declaration,
): Promise<FeeEstimate> {
  switch (action) {
    case "register":
      return estimateRegisterMiner(a, { stake: need(amountWei, action), ...decl });
    case "topUp":
      return estimateAddStake(a, need(amountWei, action));
    case "unbond":
      await checkUnbondAmount(a, amountWei);
      return estimateRequestUnbond(a);
    case "withdrawStake":
      return estimateWithdrawStake(a);
    case "claim":
      return estimateWithdrawRewards(a);
    case "withdrawTo":
      // Answered by estimateWithdrawTo (its checks come before any fee); never reached.
      throw new PouwError("INVALID_PARAMS", "withdrawTo is estimated with its destination");
  }
}

/**
 * Gas and fee before the user approves. Not enough tokens for a stake is an answer ("affordable:
 * false" and why), not an error: the page shows it next to the button.
 */
export async function estimateChainAction(
  a: ChainAccount,
  action: ChainAction,
  amountWei: string | undefined,
  decl: Declaration,
  to?: string,
): Promise<GasEstimate> {
  const unaffordable = (err: unknown): GasEstimate => {
    if (err instanceof PouwError && err.code === "INSUFFICIENT_FUNDS")
      return { action, gasLimit: "0", feeWei: "0", affordable: false, message: err.message };
    throw err;
  };
  if (action === "withdrawTo") {
    if (to === undefined) throw new PouwError("INVALID_PARAMS", "withdrawTo needs the address to send to");
    return estimateWithdrawTo(a, to, need(amountWei, action).toString()).catch(unaffordable);
  }
  let fee: FeeEstimate;
  try {
    fee = await feeOf(a, action, amountWei, decl);
  } catch (err) {
    return unaffordable(err);
  }
  const balance = await a.provider.getBalance(a.address);
  const affordable = balance >= fee.feeWei;
  return {
    action,
    gasLimit: fee.gas.toString(),
    feeWei: fee.feeWei.toString(),
    affordable,
    ...(affordable
      ? {}
      : { message: `the wallet holds ${balance} wei of the native currency; the fee may be up to ${fee.feeWei}` }),
  };
}

const last = (receipts: readonly TransactionReceipt[]): string => receipts.at(-1)?.hash ?? "";

export async function registerAction(a: ChainAccount, stakeWei: string, decl: Declaration): Promise<TxResult> {
  if (decl.models.length === 0)
    throw new PouwError("SETUP_INCOMPLETE", "choose and download a model before registering");
  if (await isRegisteredMiner(a))
    throw new PouwError("INVALID_PARAMS", "this wallet is already registered as a miner; top up the stake instead");
  return { txHash: last(await registerMiner(a, { stake: BigInt(stakeWei), ...decl })), amountWei: stakeWei };
}

export async function topUpAction(a: ChainAccount, amountWei: string): Promise<TxResult> {
  return { txHash: last(await addStake(a, BigInt(amountWei))), amountWei };
}

export async function unbondAction(a: ChainAccount, amountWei: string | undefined): Promise<TxResult> {
  await checkUnbondAmount(a, amountWei);
  const { stake } = await readNode(a);
  return { txHash: (await requestUnbond(a)).hash, amountWei: stake.toString() };
}

export async function withdrawStakeAction(a: ChainAccount): Promise<TxResult> {
  const { stake } = await readNode(a);
  return { txHash: (await withdrawStake(a)).hash, amountWei: stake.toString() };
}

export async function claimAction(a: ChainAccount): Promise<TxResult> {
  const { amount, receipt } = await withdrawRewards(a);
  return { txHash: receipt.hash, amountWei: amount.toString() };
}

export function chainAccount(
  contracts: ProtocolContracts,
  signer: Account["signer"],
  address: string,
  provider: JsonRpcProvider,
): ChainAccount {
  return { signer, contracts, address, provider };
}
