import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { HDNodeWallet, Mnemonic } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import { anvilBinary, runtimeFiles } from "../runtime/runtime-files.js";
import { childEnv } from "../runtime/secret-env.js";

/** Anvil's own default, so accounts match what foundry users expect. */
export const DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";

export interface AnvilOptions {
  port?: number;
  /** Load state from this file at start and dump it there on exit (anvil --state). */
  stateFile?: string;
  /** Only dump state on exit, without loading (anvil --dump-state). */
  dumpStateFile?: string;
  /** Seconds between blocks; omitted means one block per transaction (automine). */
  blockTime?: number;
  chainId?: number;
  accounts?: number;
  mnemonic?: string;
  /** Extra arguments passed to anvil verbatim. */
  extraArgs?: string[];
}

export interface DevAccount {
  address: string;
  privateKey: string;
}

export interface AnvilInstance {
  rpcUrl: string;
  wsUrl: string;
  chainId: number;
  pid: number;
  accounts: DevAccount[];
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (anvil binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function devAccounts(mnemonic: string, count: number): DevAccount[] {
  const m = Mnemonic.fromPhrase(mnemonic);
  return Array.from({ length: count }, (_, i) => {
    const w = HDNodeWallet.fromMnemonic(m, `m/44'/60'/0'/0/${i}`);
    return { address: w.address, privateKey: w.privateKey };
  });
}

/** Starts anvil on 127.0.0.1 and resolves once its JSON-RPC answers. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilInstance> {
  const port = opts.port ?? (await freePort());
  const chainId = opts.chainId ?? 31337;
  const accountCount = opts.accounts ?? 10;
  const mnemonic = opts.mnemonic ?? DEFAULT_MNEMONIC;
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId)];
  args.push("--accounts", String(accountCount), "--mnemonic", mnemonic, "--hardfork", "cancun");
  if (opts.blockTime !== undefined) args.push("--block-time", String(opts.blockTime));
  if (opts.stateFile) args.push("--state", opts.stateFile);
  if (opts.dumpStateFile) args.push("--dump-state", opts.dumpStateFile);
  args.push(...(opts.extraArgs ?? []));

  const child = spawn(anvilBinary(runtimeFiles()), args, { stdio: ["ignore", "pipe", "pipe"], env: childEnv() });
  if (child.pid === undefined) throw new PouwError("CHAIN_ERROR", "anvil failed to start");
  const pid = child.pid;
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  child.stdout?.resume();
  // If this process exits without stop(), do not leave anvil running on its port.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
  };
  process.on("exit", killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      process.off("exit", killOnExit);
      resolve();
    }),
  );

  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(rpcUrl, child, 15_000);
  } catch (err) {
    await killAndWait(child, exited);
    const detail = stderr.trim().split("\n").pop() ?? "";
    throw new PouwError(
      "CHAIN_ERROR",
      `anvil did not start on port ${port}: ${(err as Error).message} ${detail}`.trim(),
    );
  }
  return {
    rpcUrl,
    wsUrl: `ws://127.0.0.1:${port}`,
    chainId,
    pid,
    accounts: devAccounts(mnemonic, accountCount),
    stop: () => killAndWait(child, exited),
  };
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting for JSON-RPC");
}

// SIGTERM lets anvil write its --state/--dump-state file before exiting.
async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  }, 5000);
  await exited;
  clearTimeout(timer);
}
