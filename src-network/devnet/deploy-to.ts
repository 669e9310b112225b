import { access } from "node:fs/promises";
import path from "node:path";
import { formatEther, type Signer } from "ethers";
import { Deployment } from "../../src-shared/deployment.js";
import { PouwError } from "../../src-shared/errors.js";
import type { Progress } from "../../src-shared/progress.js";
import { deployProtocol, type DeployParams } from "../../src-main/chain/deploy.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";
import { rpcChainId } from "./rpc-probe.js";
import { verifyDeployment } from "../../src-main/chain/verify-deployment.js";

export interface DeployToNetworkOptions {
  rpcUrl: string;
  /** Pays for the deployment and keeps the token supply; connected to `rpcUrl` here. */
  signer: Signer;
  /** Where the deployment file goes (the same format the devnet writes). */
  out: string;
  /** Replace an existing file at `out`; off by default, since it may be the only record of a deployment. */
  overwrite?: boolean;
  params?: Partial<DeployParams>;
  onProgress?(p: Progress): void;
}

/**
 * Deploys the PoUW contracts to any JSON-RPC chain and writes a deployment file for it: how the app
 * is pointed at a network other than its own devnet.
 */
export async function deployToNetwork(opts: DeployToNetworkOptions): Promise<Deployment> {
  const out = path.resolve(opts.out);
  if (!opts.overwrite && (await exists(out))) {
    throw new PouwError("INVALID_PARAMS", `${out} already exists; pass --force to replace it`);
  }
  const chainId = await rpcChainId(opts.rpcUrl);
  if (chainId === undefined) throw new PouwError("CHAIN_ERROR", `no JSON-RPC server answers at ${opts.rpcUrl}`);
  const provider = createProvider(opts.rpcUrl, { chainId, pollingInterval: 1000 });
  try {
    const signer = opts.signer.connect(provider);
    const address = await signer.getAddress();
    const balance = await provider.getBalance(address);
    if (balance === 0n)
      throw new PouwError(
        "INSUFFICIENT_FUNDS",
        `the deployer ${address} has no native coin on chain ${chainId} to pay for gas`,
      );
    opts.onProgress?.({
      stage: "deploy",
      message: `deploying from ${address} (${formatEther(balance)} to spend) on chain ${chainId}`,
    });
    const { deployment } = await deployProtocol(signer, opts.params);
    const check = await verifyDeployment(deployment, provider);
    if (!check.ok) throw new PouwError("CHAIN_ERROR", `the new deployment does not check out: ${check.reason}`);
    const withUrl = Deployment.parse({ ...deployment, rpcUrl: opts.rpcUrl });
    await writeFileAtomic(out, JSON.stringify(withUrl, null, 2) + "\n");
    opts.onProgress?.({ stage: "deploy", fraction: 1, message: `wrote ${out}` });
    return withUrl;
  } finally {
    provider.destroy();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
