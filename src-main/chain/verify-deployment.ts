import { readFile } from "node:fs/promises";
import type { Provider } from "ethers";
import { Deployment } from "../../src-shared/deployment.js";
import { connectProtocol, type Versioned } from "./contracts.js";
import { SOURCES_SHA256 } from "./generated/index.js";

export type DeploymentCheck = { ok: true; deployment: Deployment } | { ok: false; reason: string };

/** Reads a deployment file. A missing or invalid one is a reason, not an error: the devnet then deploys afresh. */
export async function readDeploymentFile(file: string): Promise<DeploymentCheck> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { ok: false, reason: "no earlier deployment" };
  }
  try {
    return { ok: true, deployment: Deployment.parse(JSON.parse(text)) };
  } catch {
    return { ok: false, reason: `${file} is not a valid deployment file` };
  }
}

/**
 * Whether a deployment is live on this chain: same chain id, contracts built from the sources this
 * app carries, code at every address, and the version the contracts report on chain. A devnet whose
 * state file was deleted, or an app upgraded with changed contracts, fails here and redeploys.
 */
export async function verifyDeployment(deployment: Deployment, provider: Provider): Promise<DeploymentCheck> {
  const chainId = Number((await provider.getNetwork()).chainId);
  if (deployment.chainId !== chainId)
    return { ok: false, reason: `the deployment is for chain ${deployment.chainId}, not ${chainId}` };
  if (deployment.sourcesSha256 !== undefined && deployment.sourcesSha256 !== SOURCES_SHA256) {
    return { ok: false, reason: "the contract sources changed since the last deployment" };
  }
  for (const [name, address] of Object.entries(deployment.contracts)) {
    if ((await provider.getCode(address)) === "0x")
      return { ok: false, reason: `no contract code at ${name} ${address}` };
  }
  const c = connectProtocol(deployment, provider);
  const versioned: [string, Versioned][] = [
    ["nodePool", c.nodePool],
    ["tasks", c.tasks],
    ["incentivePool", c.incentivePool],
  ];
  for (const [name, contract] of versioned) {
    const onChain = Number(await contract.read("version"));
    if (onChain !== deployment.version) {
      return { ok: false, reason: `${name} reports version ${onChain}, the deployment says ${deployment.version}` };
    }
  }
  return { ok: true, deployment };
}
