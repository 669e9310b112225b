import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { Deployment } from "../../../src-shared/deployment.js";
import { PouwError } from "../../../src-shared/errors.js";
import { readDeploymentFile } from "../../chain/verify-deployment.js";
import { verifyNetwork } from "../../chain/verify-network.js";
import { createProvider } from "../../chain/provider.js";
import { appDataDir } from "../../paths.js";
import { readPassword } from "../../wallet/password-source.js";
import { WalletStore } from "../../wallet/wallet-store.js";
import { stringOpt, type CliContext, type OptionSpecs, type ParsedCommandArgs } from "../command.js";

/** Options every operator command takes: which network, whose wallet, where its files live. */
export const OPERATOR_OPTIONS: OptionSpecs = {
  network: { type: "string" },
  "data-dir": { type: "string" },
  "password-file": { type: "string" },
};

export const operatorOptionHelp = (role: string): Record<string, string> => ({
  network: "the deployment file of the network to serve (its rpcUrl, rpcUrls and contracts)",
  "data-dir": `this ${role}'s folder: wallet, journal and sync cursors (default: <app data>/${role})`,
  "password-file": "file whose first line is the wallet password (else POUW_WALLET_PASSWORD)",
});

export interface OperatorSetup {
  dataDir: string;
  deployment: Deployment & { rpcUrl: string };
  provider: JsonRpcProvider;
  wallet: Wallet | HDNodeWallet;
}

/**
 * What an oracle or router operator starts from, on any machine: a deployment file (checked
 * against its chain), and the wallet in the operator's own data folder, created beforehand with
 * `pouw-miner wallet create --data-dir DIR` and funded by the operator.
 */
export async function openOperator(args: ParsedCommandArgs, role: string): Promise<OperatorSetup> {
  const file = path.resolve(stringOpt(args, "network", true));
  const dataDir = path.resolve(stringOpt(args, "data-dir") ?? path.join(appDataDir(), role));
  const read = await readDeploymentFile(file);
  if (!read.ok) throw new PouwError("INVALID_PARAMS", `cannot use the deployment file ${file}: ${read.reason}`);
  const rpcUrl = read.deployment.rpcUrl;
  if (!rpcUrl) throw new PouwError("INVALID_PARAMS", `the deployment file ${file} has no rpcUrl`);
  const deployment = { ...read.deployment, rpcUrl };
  const store = new WalletStore(path.join(dataDir, "wallet"));
  if (!(await store.exists())) {
    throw new PouwError(
      "NOT_FOUND",
      `no wallet in ${dataDir}: create one with pouw-miner wallet create --data-dir ${dataDir}, then fund it`,
    );
  }
  const wallet = await store.unlock(await readPassword({ ...optionalFile(args) }));
  const provider = createProvider([rpcUrl, ...(deployment.rpcUrls ?? [])], {
    chainId: deployment.chainId,
    pollingInterval: 250,
  });
  try {
    await verifyNetwork(provider, deployment, rpcUrl);
  } catch (err) {
    provider.destroy();
    throw err;
  }
  return { dataDir, deployment, provider, wallet };
}

function optionalFile(args: ParsedCommandArgs): { passwordFile?: string } {
  const passwordFile = stringOpt(args, "password-file");
  return passwordFile ? { passwordFile } : {};
}

/** Resolves when the CLI is asked to stop (Ctrl-C, SIGTERM). */
export function untilStopped(ctx: CliContext): Promise<void> {
  if (ctx.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
}
