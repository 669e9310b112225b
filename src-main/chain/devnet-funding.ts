import { formatEther, parseEther, Wallet, type JsonRpcProvider } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import type { DevnetAccount } from "../../src-shared/devnet-info.js";
import { PouwError } from "../../src-shared/errors.js";
import { connectProtocol } from "./contracts.js";

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
