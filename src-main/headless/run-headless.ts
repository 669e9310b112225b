import { existsSync } from "node:fs";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import type { NetworkChoice } from "../core/bootstrap-network.js";
import { openAppSession, type AppSessionOptions } from "../core/app-session.js";
import { packageRoot } from "../paths.js";
import { PASSWORD_ENV, readSecretFile } from "../wallet/password-source.js";
import { startHeadlessServer } from "./server.js";

/** What a started headless miner prints: where to look and who it mines as. */
export interface HeadlessReady {
  dashboardUrl: string;
  port: number;
  /** True while the first run is not finished: the dashboard shows the set-up flow. */
  setup: boolean;
  /** Absent until a wallet exists (set-up mode). */
  address?: string;
  network: string;
  chainId: number;
  rpcUrl: string;
  /** The served model's on-chain id; absent until the miner runs. */
  modelId?: string;
  dataDir: string;
  /** Child processes (devnet chain, worker) at start, so a supervisor can check on them. */
  processes: Array<{ name: string; pid: number }>;
}

export interface HeadlessOptions extends Omit<AppSessionOptions, "network"> {
  network: NetworkChoice;
  /** 0 or absent: any free port. */
  port?: number;
  /** The built dashboard; default: dist/renderer when it exists. */
  staticDir?: string;
}

export interface RunningHeadless {
  ready: HeadlessReady;
  /** Closes the server, then the core (which stops sync, worker and devnet). Idempotent. */
  close(): Promise<void>;
}

/**
 * Unattended miners never prompt: the password comes from a file or the environment, and a launch
 * with neither fails at once with what to do — rather than waiting on a terminal nobody watches.
 */
export async function headlessPassword(opts: { passwordFile?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  if (opts.passwordFile) return readSecretFile(opts.passwordFile, "password file");
  const fromEnv = (opts.env ?? process.env)[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  throw new PouwError("INVALID_PARAMS", `no wallet password: pass --password-file FILE or set ${PASSWORD_ENV} (the first launch creates the wallet with it)`);
}

export function defaultStaticDir(): string | undefined {
  const dir = path.join(packageRoot, "dist", "renderer");
  return existsSync(dir) ? dir : undefined;
}

/**
 * Starts the app session and the dashboard server on 127.0.0.1. With a password the session sets
 * itself up and mines at once; without one it waits in set-up mode for the dashboard's first run.
 */
export async function startHeadless(opts: HeadlessOptions): Promise<RunningHeadless> {
  const core = await openAppSession(opts);
  try {
    const staticDir = opts.staticDir ?? defaultStaticDir();
    const server = await startHeadlessServer({ core, ...(opts.port ? { port: opts.port } : {}), ...(staticDir ? { staticDir } : {}) });
    let closing: Promise<void> | undefined;
    const address = core.address();
    const modelId = core.modelId();
    return {
      ready: {
        dashboardUrl: server.dashboardUrl,
        port: server.port,
        setup: !(core.getSnapshot().snapshot.setup?.complete ?? false),
        ...(address ? { address } : {}),
        network: core.network.name,
        chainId: core.network.chainId,
        rpcUrl: core.network.rpcUrl,
        ...(modelId ? { modelId } : {}),
        dataDir: core.dataDir,
        processes: core.processes(),
      },
      close: () => (closing ??= server.close().finally(() => core.close())),
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}

/** Runs until `signal` aborts, then closes everything; `onReady` gets the dashboard URL. */
export async function runHeadless(opts: HeadlessOptions & { signal: AbortSignal; onReady(ready: HeadlessReady): void }): Promise<void> {
  const running = await startHeadless(opts);
  try {
    if (!opts.signal.aborted) {
      opts.onReady(running.ready);
      await new Promise<void>((resolve) => opts.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } finally {
    await running.close();
  }
}
