import type { HDNodeWallet, Wallet } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import { WalletStore } from "./wallet-store.js";

export type MinerSigner = Wallet | HDNodeWallet;

/** Unlocks the wallet in `dir`, creating it on first launch; `created` says which happened. */
export async function openOrCreateWallet(
  dir: string,
  password: string,
  options: { scryptN?: number } = {},
): Promise<{ signer: MinerSigner; created: boolean }> {
  const store = new WalletStore(dir, options);
  const created = !(await store.exists());
  if (created) await store.create(password);
  return { signer: await store.unlock(password), created };
}

/** A core that opens the wallet itself needs its password; without one it says so plainly. */
export function requirePassword(password: string | undefined): string {
  if (!password) throw new PouwError("WALLET_LOCKED", "no wallet password was given to unlock the wallet");
  return password;
}
