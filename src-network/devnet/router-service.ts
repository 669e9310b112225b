import type { DevnetInfo } from "../../src-shared/devnet-info.js";
import { toErrorShape } from "../../src-shared/errors.js";
import { startRouter } from "../router/router.js";
import type { GatewayLimits } from "../router/task-gateway.js";
import type { Service } from "./services.js";

/** The devnet's OpenAI-compatible router, in the devnet's process, paid by the requester accounts. */
export async function startRouterService(opts: {
  info: Pick<DevnetInfo, "rpcUrl" | "chainId" | "contracts"> & { wsUrl?: string };
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
    models: opts.models,
    pollMs: opts.pollMs,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    onError: (err) => opts.onLog(`router: ${toErrorShape(err).message}`),
  });
  opts.onLog(`router listening on ${router.url}`);
  return { name: "router", pid: undefined, url: router.url, exited: new Promise(() => undefined), stop: () => router.close() };
}
