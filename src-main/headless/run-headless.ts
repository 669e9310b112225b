import { existsSync } from "node:fs";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import type { NetworkChoice } from "../session/open-network.js";
import type { AppSession, AppSessionOptions } from "../session/app-session.js";
import { openingCore } from "../session/opening-core.js";
import { runtimeFiles } from "../runtime/runtime-files.js";
import { secretEnv } from "../runtime/secret-env.js";
import { PASSWORD_ENV, readSecretFile } from "../wallet/password-source.js";
import { startHeadlessServer } from "./server.js";

/** Printed as soon as the dashboard is served, while the miner still opens behind it. */
export interface HeadlessListening {
  dashboardUrl: string;
  port: number;
  dataDir: string;
}

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
  /** The dashboard is up (showing "starting"); the miner is not yet. */
  onListening?: (listening: HeadlessListening) => void;
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
  const fromEnv = secretEnv(PASSWORD_ENV, opts.env);
  if (fromEnv) return fromEnv;
  throw new PouwError(
    "INVALID_PARAMS",
    `no wallet password: pass --password-file FILE or set ${PASSWORD_ENV} (the first launch creates the wallet with it)`,
  );
}

export function defaultStaticDir(): string | undefined {
  const dir = runtimeFiles().rendererDir;
  return existsSync(dir) ? dir : undefined;
}

/**
 * Serves the dashboard on 127.0.0.1 at once and opens the app session behind it (openingCore): the
 * page shows "starting" and what is under way until the session is up. With a password the session
 * sets itself up and mines at once; without one it waits in set-up mode for the dashboard's first
 * run. Resolves once the session is open; a session that cannot open closes the server and rejects
 * with its error.
 */
export async function startHeadless(opts: HeadlessOptions): Promise<RunningHeadless> {
  const dataDir = path.resolve(opts.dataDir);
  const core = openingCore<AppSession>(
    {
      appVersion: opts.appVersion,
      networkName: opts.network === "devnet" ? "devnet" : path.basename(opts.network.deploymentFile, ".json"),
    },
    async (stage) => {
      // Loaded here, not at the top: the server answers while the session's modules still load.
      const { openAppSession } = await import("../session/app-session.js");
      return openAppSession({ ...opts, onStage: (reason) => (stage(reason), opts.onStage?.(reason)) });
    },
  );
  const staticDir = opts.staticDir ?? defaultStaticDir();
  let server: Awaited<ReturnType<typeof startHeadlessServer>>;
  try {
    server = await startHeadlessServer({
      core,
      ...(opts.port ? { port: opts.port } : {}),
      ...(staticDir ? { staticDir } : {}),
    });
  } catch (err) {
    await core.close();
    throw err;
  }
  let session: AppSession;
  try {
    opts.onListening?.({ dashboardUrl: server.dashboardUrl, port: server.port, dataDir });
    session = await core.opened;
  } catch (err) {
    await server.close();
    await core.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const address = session.address();
  const modelId = session.modelId();
  return {
    ready: {
      dashboardUrl: server.dashboardUrl,
      port: server.port,
      setup: !(session.getSnapshot().snapshot.setup?.complete ?? false),
      ...(address ? { address } : {}),
      network: session.network.name,
      chainId: session.network.chainId,
      rpcUrl: session.network.rpcUrl,
      ...(modelId ? { modelId } : {}),
      dataDir: session.dataDir,
      processes: session.processes(),
    },
    close: () => (closing ??= server.close().finally(() => core.close())),
  };
}

/** Runs until `signal` aborts, then closes everything; `onReady` gets the dashboard URL. */
export async function runHeadless(
  opts: HeadlessOptions & { signal: AbortSignal; onReady(ready: HeadlessReady): void },
): Promise<void> {
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
