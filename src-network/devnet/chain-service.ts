import { mkdir } from "node:fs/promises";
import path from "node:path";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { DEV_ACCOUNT_ROLES } from "./dev-accounts.js";
import type { Service } from "./services.js";

/** Seconds between anvil's state dumps: a devnet killed with SIGKILL loses at most this much. */
export const STATE_DUMP_INTERVAL_S = 2;

export interface ChainService extends Service {
  readonly anvil: AnvilInstance;
}

export function chainStateFile(dataDir: string): string {
  return path.join(dataDir, "chain", "state.json");
}

/**
 * anvil with its whole chain (state, blocks, receipts) kept in `<dataDir>/chain/state.json`:
 * loaded at start, written every few seconds and on a clean stop.
 */
export async function startChainService(dataDir: string, port: number): Promise<ChainService> {
  const stateFile = chainStateFile(dataDir);
  await mkdir(path.dirname(stateFile), { recursive: true });
  const anvil = await startAnvil({
    port,
    stateFile,
    accounts: DEV_ACCOUNT_ROLES.length,
    extraArgs: ["--state-interval", String(STATE_DUMP_INTERVAL_S)],
  });
  return { name: "chain", pid: anvil.pid, url: anvil.rpcUrl, anvil, stop: () => anvil.stop() };
}
