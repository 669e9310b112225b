import { formatEther } from "ethers";
import type { GasEstimate, TxResult } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import { estimate, send } from "../miner/registration.js";
import { checkWithdrawAddress } from "../wallet/withdraw-address.js";
import type { ChainAccount } from "./chain-actions.js";

/**
 * Rewards out: an ERC-20 transfer of POUW from the wallet to an address outside the app. The
 * destination is checked first (checkWithdrawAddress), then the balance, then the fee is estimated
 * for the user to approve; sending repeats every check.
 */
function protocolAddresses(a: ChainAccount): Record<string, string> {
  const c = a.contracts;
  return {
    token: c.token.address,
    "node pool": c.nodePool.address,
    tasks: c.tasks.address,
    "incentive pool": c.incentivePool.address,
  };
}

async function checked(a: ChainAccount, to: string, amountWei: string): Promise<{ to: string; amount: bigint }> {
  const address = checkWithdrawAddress(to, { own: a.address, protocol: protocolAddresses(a) });
  const amount = BigInt(amountWei);
  if (amount === 0n) throw new PouwError("INVALID_PARAMS", "enter an amount above zero");
  const balance = await a.contracts.token.read("balanceOf", a.address);
  if (balance < amount) {
    throw new PouwError(
      "INSUFFICIENT_FUNDS",
      `not enough POUW: sending ${formatEther(amount)} needs that much in the wallet, which holds ${formatEther(balance)}`,
    );
  }
  return { to: address, amount };
}

export async function estimateWithdrawTo(a: ChainAccount, to: string, amountWei: string): Promise<GasEstimate> {
  const ok = await checked(a, to, amountWei);
  const fee = await estimate(a, a.contracts.token, "transfer", [ok.to, ok.amount]);
  const native = await a.provider.getBalance(a.address);
  const affordable = native >= fee.feeWei;
  return {
    action: "withdrawTo",
    gasLimit: fee.gas.toString(),
    feeWei: fee.feeWei.toString(),
    affordable,
    ...(affordable
      ? {}
      : {
          message: `the wallet holds ${formatEther(native)} ETH for gas; the fee may be up to ${formatEther(fee.feeWei)}`,
        }),
  };
}

export async function withdrawToAction(a: ChainAccount, to: string, amountWei: string): Promise<TxResult> {
  const ok = await checked(a, to, amountWei);
  const receipt = await send(a, a.contracts.token, "transfer", [ok.to, ok.amount]);
  return { txHash: receipt.hash, amountWei: ok.amount.toString() };
}
