import { parseEther } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { DevAccountRole, DevnetAccount } from "../../src-shared/devnet-info.js";
import type { DevAccount } from "../../src-main/chain/anvil.js";
import type { PouwToken } from "../../src-main/chain/contracts.js";

/**
 * Roles by account index. Index 0 deploys (anvil's first account, as foundry users expect); the
 * miners are for peer miners, the oracle for the oracle node, the requesters for demand.
 */
export const DEV_ACCOUNT_ROLES: readonly DevAccountRole[] = [
  "deployer",
  "miner",
  "miner",
  "miner",
  "miner",
  "oracle",
  "requester",
  "requester",
  "spare",
  "spare",
];

/** Network tokens each non-deployer account gets on a fresh deployment (enough to stake and pay). */
export const DEV_TOKEN_GRANT = parseEther("10000");

export function devnetAccounts(accounts: readonly DevAccount[]): DevnetAccount[] {
  return accounts.map((a, i) => ({ ...a, role: DEV_ACCOUNT_ROLES[i] ?? "spare" }));
}

export function deployerOf(accounts: readonly DevnetAccount[]): DevnetAccount {
  const deployer = accounts.find((a) => a.role === "deployer");
  if (!deployer) throw new PouwError("INTERNAL", "the devnet has no deployer account");
  return deployer;
}

/**
 * Gives every account but the deployer its token grant. Runs only right after a fresh deployment:
 * on a reused one the balances are whatever the last run left, which is the point of keeping state.
 */
export async function fundDevAccounts(
  token: PouwToken,
  accounts: readonly DevnetAccount[],
  onFunded?: (account: DevnetAccount, index: number, total: number) => void,
): Promise<void> {
  const targets = accounts.filter((a) => a.role !== "deployer");
  for (const [i, account] of targets.entries()) {
    await token.send("transfer", account.address, DEV_TOKEN_GRANT);
    onFunded?.(account, i + 1, targets.length);
  }
}
