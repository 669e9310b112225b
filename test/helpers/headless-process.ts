import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { pidAlive, waitForExit } from "../../src-network/devnet/pid.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The `--json` ready line of `pouw-miner headless`. Only the URL is required: in first-run (setup)
 * mode there is no wallet yet, so address and model may be missing.
 */
export const ReadyLine = z
  .object({
    type: z.literal("result"),
    dashboardUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/#token=\S+$/),
    port: z.number().int().positive(),
    dataDir: z.string().optional(),
    address: z.string().optional(),
    modelId: z.string().optional(),
    rpcUrl: z.string().optional(),
    chainId: z.number().optional(),
    processes: z.array(z.object({ name: z.string(), pid: z.number() })).optional(),
  })
  .passthrough();
export type ReadyLine = z.infer<typeof ReadyLine>;

export interface HeadlessProcess {
  child: ChildProcess;
  ready: ReadyLine;
  /** Milliseconds from spawn to the ready line (the miner is up). */
  startMs: number;
  /** Milliseconds from spawn to the dashboard URL (the `listening` progress line, before the miner is up). */
  listeningMs: number;
  /** The dashboard URL as first printed (the same as `ready.dashboardUrl`). */
  listeningUrl: string;
  stderr(): string;
  /**
   * SIGINT, then waits for the orderly exit. Whatever of its process group outlives it (anvil, the
   * worker) is killed by PID and reported: a clean stop returns `leftovers: []`.
   */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; leftovers: string[] }>;
}

export interface LaunchOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Give up waiting for the ready line after this long (the first devnet deploy takes a while). */
  readyTimeoutMs?: number;
  /** Called with the dashboard URL as soon as it is printed, before the miner is ready. */
  onListening?: (dashboardUrl: string) => void;
}

/**
 * Starts `node bin/pouw-miner.js headless --json` in its own process group, so that everything it
 * starts (devnet anvil, worker) can be found again at the end even if it is orphaned. The wallet
 * password is removed from the environment unless `env` passes one: no password means set-up mode.
 */
export async function launchHeadlessProcess(opts: LaunchOptions = {}): Promise<HeadlessProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[PASSWORD_ENV];
  Object.assign(env, opts.env);
  const t0 = performance.now();
  const child = spawn(process.execPath, ["bin/pouw-miner.js", "headless", "--json", ...(opts.args ?? [])], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const group = child.pid!;
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const stop: HeadlessProcess["stop"] = async (timeoutMs = 30_000) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(group, "SIGINT");
    const timer = new Promise<"timeout">((r) => setTimeout(r, timeoutMs, "timeout").unref());
    const result = await Promise.race([exited, timer]);
    if (result === "timeout") process.kill(group, "SIGKILL");
    const leftovers = await killGroup(group);
    const final = result === "timeout" ? await exited : result;
    return {
      ...final,
      leftovers: result === "timeout" ? ["headless (did not exit in time)", ...leftovers] : leftovers,
    };
  };

  let ready: ReadyLine | undefined;
  let listening: { at: number; url: string } | undefined;
  try {
    ready = await readReadyLine(
      child,
      exited,
      () => stderr,
      opts.readyTimeoutMs ?? 150_000,
      (url) => {
        if (listening) return;
        listening = { at: performance.now() - t0, url };
        opts.onListening?.(url);
      },
    );
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  const startMs = performance.now() - t0;
  return {
    child,
    ready,
    startMs,
    listeningMs: listening?.at ?? startMs,
    listeningUrl: listening?.url ?? ready.dashboardUrl,
    stderr: () => stderr,
    stop,
  };
}

async function readReadyLine(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  stderr: () => string,
  timeoutMs: number,
  onListening: (dashboardUrl: string) => void,
): Promise<ReadyLine> {
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<ReadyLine>((resolve, reject) => {
    lines.on("line", (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return reject(new Error(`pouw-miner headless --json wrote a non-JSON line: ${line}`));
      }
      const type = (json as { type?: unknown }).type;
      if (type === "result") {
        const parsed = ReadyLine.safeParse(json);
        if (parsed.success) resolve(parsed.data);
        else reject(new Error(`unexpected ready line ${line}: ${parsed.error.message}`));
      } else if (type === "error") reject(new Error(`pouw-miner headless failed: ${line}`));
      else if (type === "progress" && (json as { stage?: unknown }).stage === "listening")
        onListening(String((json as { dashboardUrl?: unknown }).dashboardUrl));
    });
  });
  const early = exited.then((e) =>
    Promise.reject(new Error(`pouw-miner headless exited (${e.code ?? e.signal}) before it was ready: ${stderr()}`)),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`pouw-miner headless not ready after ${timeoutMs} ms: ${stderr()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([ready, early, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Processes whose process group is `group` (Linux /proc), with their command names. */
export function groupMembers(group: number): Array<{ pid: number; name: string }> {
  const found: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // After the command name: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === group && state !== "Z") found.push({ pid: Number(entry), name });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

async function killGroup(group: number): Promise<string[]> {
  // A child that is already on its way out (signalled by the orderly close) gets a moment.
  const deadline = Date.now() + 2_000;
  let members = groupMembers(group);
  while (members.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    members = groupMembers(group);
  }
  for (const m of members) if (pidAlive(m.pid)) process.kill(m.pid, "SIGKILL");
  for (const m of members) await waitForExit(m.pid, 5_000);
  return members.map((m) => `${m.name} (pid ${m.pid})`);
}
