import { formatEther, parseEther, Wallet, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import type { DevnetAccount } from "../../src-shared/devnet-info.js";
import { PouwError } from "../../src-shared/errors.js";
import type { ProtocolContracts } from "../chain/contracts.js";
import { connectProtocol } from "../chain/contracts.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { registerMiner } from "../miner/registration.js";
import { WalletStore } from "../wallet/wallet-store.js";

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

/** Below these the devnet tops the wallet up: gas for a long session, and a stake plus spare. */
const DEVNET_ETH_FLOOR = parseEther("1");
const DEVNET_ETH_GRANT = parseEther("10");

/**
 * On the embedded devnet a new wallet has nothing; the deployer dev account (anvil's public test
 * key, meaningful only on this local chain) sends it ETH for gas and network tokens for the stake.
 */
export async function fundOnDevnet(opts: {
  provider: JsonRpcProvider;
  deployment: Deployment;
  devAccounts: readonly DevnetAccount[];
  address: string;
  tokensNeeded: bigint;
  onLog?: (line: string) => void;
}): Promise<void> {
  const funder = opts.devAccounts.find((a) => a.role === "deployer") ?? opts.devAccounts[0];
  if (!funder) throw new PouwError("INTERNAL", "the devnet has no funded account to fund the wallet from");
  const signer = new Wallet(funder.privateKey, opts.provider);
  const eth = await opts.provider.getBalance(opts.address);
  if (eth < DEVNET_ETH_FLOOR) {
    const tx = await signer.sendTransaction({ to: opts.address, value: DEVNET_ETH_GRANT });
    await tx.wait();
    opts.onLog?.(`devnet: sent ${formatEther(DEVNET_ETH_GRANT)} ETH to ${opts.address}`);
  }
  const { token } = connectProtocol(opts.deployment, signer);
  const held = await token.read("balanceOf", opts.address);
  if (held < opts.tokensNeeded) {
    await token.send("transfer", opts.address, opts.tokensNeeded - held);
    opts.onLog?.(`devnet: sent ${formatEther(opts.tokensNeeded - held)} tokens to ${opts.address}`);
  }
}

/** The stake a miner needs: the contract's minimum, read rather than assumed. */
export function minStakeOf(contracts: ProtocolContracts): Promise<bigint> {
  return contracts.nodePool.read("minStake");
}

/** Registers as a miner serving `models` with the minimum stake, unless already registered. */
export async function ensureRegistered(opts: {
  signer: MinerSigner;
  contracts: ProtocolContracts;
  models: string[];
  speed: number;
  onLog?: (line: string) => void;
}): Promise<{ justRegistered: boolean }> {
  const node = await opts.contracts.nodePool.read("getNode", opts.signer.address);
  if (node.stake > 0n) return { justRegistered: false };
  const stake = await minStakeOf(opts.contracts);
  await registerMiner({ signer: opts.signer, contracts: opts.contracts }, { stake, speed: opts.speed, models: opts.models });
  opts.onLog?.(`registered ${opts.signer.address} as a miner with a stake of ${formatEther(stake)}`);
  return { justRegistered: true };
}

/** A core that opens the wallet itself needs its password; without one it says so plainly. */
export function requirePassword(password: string | undefined): string {
  if (!password) throw new PouwError("WALLET_LOCKED", "no wallet password was given to unlock the wallet");
  return password;
}
