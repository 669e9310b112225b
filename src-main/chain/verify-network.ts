import { isError, type JsonRpcProvider } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import { PouwError } from "../../src-shared/errors.js";
import { connectProtocol, type Versioned } from "./contracts.js";

/** The protocol version this build of the miner speaks (the contracts' VERSION). */
export const SUPPORTED_PROTOCOL_VERSION = 2;

/**
 * Checks, before the miner does anything, that the RPC really is the deployment's chain and that
 * every contract is there and speaks our protocol version — so a wrong URL or a stale deployment
 * file is one clear sentence instead of a confusing revert later.
 */
export async function verifyNetwork(
  provider: JsonRpcProvider,
  deployment: Deployment,
  rpcLabel: string,
): Promise<{ chainId: number; version: number }> {
  let chainId: number;
  try {
    // Asked of the node itself: a provider built with a static network would answer from memory.
    chainId = Number(await provider.send("eth_chainId", []));
  } catch (err) {
    if (isError(err, "TIMEOUT")) {
      throw new PouwError(
        "CHAIN_ERROR",
        `cannot reach the network at ${rpcLabel}: it accepts connections but did not answer within ${Math.round(provider._getConnection().timeout / 1000)} s`,
      );
    }
    throw new PouwError("CHAIN_ERROR", `cannot reach the network at ${rpcLabel}`);
  }
  if (chainId !== deployment.chainId) {
    throw new PouwError(
      "CHAIN_ERROR",
      `the RPC at ${rpcLabel} is chain ${chainId}, but the deployment is for chain ${deployment.chainId}`,
    );
  }
  for (const [name, address] of Object.entries(deployment.contracts)) {
    const code = await provider.getCode(address);
    if (code === "0x") {
      throw new PouwError(
        "CHAIN_ERROR",
        `no contract at ${address} (${name}) on chain ${chainId} — is the deployment file for this network?`,
      );
    }
  }
  const contracts = connectProtocol(deployment, provider);
  const versions = await Promise.all(
    [contracts.nodePool, contracts.tasks, contracts.incentivePool].map(async (c: Versioned) => {
      try {
        return Number(await c.read("version"));
      } catch {
        throw new PouwError("CHAIN_ERROR", `the contract at ${c.address} is not a PoUW contract (it has no version)`);
      }
    }),
  );
  const mismatch = versions.find((v) => v !== SUPPORTED_PROTOCOL_VERSION);
  if (mismatch !== undefined) {
    throw new PouwError(
      "CHAIN_ERROR",
      `the contracts speak protocol version ${mismatch}; this miner speaks version ${SUPPORTED_PROTOCOL_VERSION} — ${mismatch > SUPPORTED_PROTOCOL_VERSION ? "update the app" : "the network is older than this app"}`,
    );
  }
  return { chainId, version: SUPPORTED_PROTOCOL_VERSION };
}
