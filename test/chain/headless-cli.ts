import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { SnapshotMessage, type AppSnapshot } from "../../src-shared/app-contract.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export const HeadlessReadyLine = z.object({
  type: z.literal("result"),
  dashboardUrl: z.string(),
  port: z.number(),
  address: z.string(),
  modelId: z.string(),
  rpcUrl: z.string(),
  chainId: z.number(),
  processes: z.array(z.object({ name: z.string(), pid: z.number() })),
});
export type HeadlessReadyLine = z.infer<typeof HeadlessReadyLine>;

export interface HeadlessCli {
  child: ChildProcess;
  ready: HeadlessReadyLine;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code and signal once it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  status(): Promise<AppSnapshot>;
}

/** Starts the real `pouw-miner headless --json` and waits for its ready (result) line. */
export async function launchHeadless(args: string[], extraEnv: Record<string, string> = {}): Promise<HeadlessCli> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env[PASSWORD_ENV];
  const child = spawn(process.execPath, ["bin/pouw-miner.js", "headless", "--json", ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const lines = createInterface({ input: child.stdout! });
  // Progress lines (the dashboard URL while the miner starts, each start-up step) come first.
  const resultLine = new Promise<string>((resolve) => {
    lines.on("line", (l) => {
      if (!/^\{"type":"progress"/.test(l)) resolve(l);
    });
  });
  const first = await Promise.race([resultLine, exited.then((e) => `exited early (${e.code ?? e.signal}): ${stderr}`)]);
  let ready: HeadlessReadyLine;
  try {
    ready = HeadlessReadyLine.parse(JSON.parse(first));
  } catch {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw new Error(`pouw-miner headless did not start: ${first}`);
  }
  return {
    child,
    ready,
    stderr: () => stderr,
    exited,
    status: async () =>
      SnapshotMessage.parse(await (await fetch(`http://127.0.0.1:${ready.port}${headlessPaths.status}`)).json())
        .snapshot,
  };
}
