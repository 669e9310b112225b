import path from "node:path";
import type { DevnetInfo } from "../../src-shared/devnet-info.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import { createApiKey, type ApiKeyEntry } from "../router/api-keys.js";
import { DEFAULT_ROUTER_LIMITS, startRouter } from "../router/router.js";
import type { GatewayLimits } from "../router/task-gateway.js";
import type { Service } from "./services.js";

/** The devnet router's API keys (`pouw-miner router keys`). */
export function routerKeysFile(dataDir: string): string {
  return path.join(dataDir, "router-keys.json");
}

/**
 * Creates a key for the devnet's router, paid by its first requester account (or `account`),
 * allowed `tasks` paid tasks at the default payment unless `limitWei` says otherwise.
 */
export async function createDevnetRouterKey(
  info: Pick<DevnetInfo, "dataDir" | "accounts">,
  opts: { tasks?: number; limitWei?: bigint; account?: string; label?: string } = {},
): Promise<{ key: string; entry: ApiKeyEntry }> {
  const account = opts.account ?? info.accounts.find((a) => a.role === "requester")?.address;
  if (!account)
    throw new PouwError("NOT_FOUND", `the devnet in ${info.dataDir} has no requester account to pay for router tasks`);
  const limitWei = opts.limitWei ?? DEFAULT_ROUTER_LIMITS.payment * BigInt(opts.tasks ?? 1_000);
  return createApiKey(routerKeysFile(info.dataDir), {
    account,
    limitWei,
    ...(opts.label ? { label: opts.label } : {}),
  });
}

/** The devnet's OpenAI-compatible router, in the devnet's process, paid by the requester accounts. */
export async function startRouterService(opts: {
  info: Pick<DevnetInfo, "rpcUrl" | "chainId" | "contracts" | "dataDir"> & { wsUrl?: string };
  requesterKeys: string[];
  models: string[];
  port?: number;
  limits?: Partial<GatewayLimits>;
  pollMs: number;
  onLog(line: string): void;
}): Promise<Service> {
  const router = await startRouter({
    deployment: opts.info,
    rpcUrl: opts.info.rpcUrl,
    ...(opts.info.wsUrl ? { wsUrl: opts.info.wsUrl } : {}),
    requesterKeys: opts.requesterKeys,
    keysFile: routerKeysFile(opts.info.dataDir),
    models: opts.models,
    pollMs: opts.pollMs,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    onError: (err) => opts.onLog(`router: ${toErrorShape(err).message}`),
  });
  opts.onLog(`router listening on ${router.url}`);
  return {
    name: "router",
    pid: undefined,
    url: router.url,
    exited: new Promise(() => undefined),
    stop: () => router.close(),
  };
}
