import { parseEther, Wallet } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { ApiKeyStore } from "./api-keys.js";
import { RequesterPool } from "./requester-pool.js";
import { serveRouter } from "./router-server.js";
import { TaskGateway, type GatewayLimits } from "./task-gateway.js";
import { TaskWatch } from "./task-watch.js";

export interface RouterOptions {
  deployment: Pick<Deployment, "contracts" | "chainId">;
  rpcUrl: string;
  wsUrl?: string;
  /** Private keys of the accounts that pay for the tasks. */
  requesterKeys: readonly string[];
  /** The API key file (`pouw-miner router keys`); each key pays from one of the requester accounts. */
  keysFile: string;
  /** Model names served (on chain: keccak256 of the name). */
  models: readonly string[];
  port?: number;
  limits?: Partial<GatewayLimits>;
  pollMs?: number;
  onError?: (err: unknown) => void;
}

export interface RunningRouter {
  /** The OpenAI base URL (`…/v1`). */
  url: string;
  close(): Promise<void>;
}

const ASSIGN_RETRY_MS = 1_000;

export const DEFAULT_ROUTER_LIMITS: GatewayLimits = {
  k: 3,
  payment: parseEther("1"),
  priority: 2,
  maxTokens: 256,
  defaultMaxTokens: 64,
  maxPromptChars: 4_000,
  timeoutMs: 180_000,
};

/** Starts the OpenAI-compatible router: every request becomes a paid user task on chain. */
export async function startRouter(opts: RouterOptions): Promise<RunningRouter> {
  const keys = await ApiKeyStore.open(opts.keysFile);
  const provider = createProvider(opts.rpcUrl, { chainId: opts.deployment.chainId });
  let gateway: TaskGateway | undefined;
  const assignWaiting = () => void gateway?.assignWaiting().catch((err: unknown) => opts.onError?.(err));
  const watch = new TaskWatch({
    onTaskEnded: assignWaiting,
    provider,
    tasksAddress: opts.deployment.contracts.tasks,
    ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  try {
    const requesters = new RequesterPool(
      opts.requesterKeys.map((k) => new Wallet(k, provider)),
      opts.deployment,
    );
    await requesters.prepare();
    await watch.start();
    gateway = new TaskGateway({
      models: opts.models,
      provider,
      contracts: connectProtocol(opts.deployment, provider),
      requesters,
      watch,
      limits: { ...DEFAULT_ROUTER_LIMITS, ...opts.limits },
    });
    const http = await serveRouter(gateway, { keys, ...(opts.port !== undefined ? { port: opts.port } : {}) });
    // Also on a timer: miners freed by a task the watch did not see end (e.g. an unbonding miner).
    const retry = setInterval(assignWaiting, ASSIGN_RETRY_MS);
    return {
      url: http.url,
      async close() {
        clearInterval(retry);
        await http.close();
        await watch.stop();
        provider.destroy();
      },
    };
  } catch (err) {
    await watch.stop().catch(() => undefined);
    provider.destroy();
    throw err;
  }
}
