import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** What the supervisor needs from a started worker, however it was started. */
export interface WorkerChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called once, when the process has ended. */
  onExit(handler: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void): void;
  /** The worker's output (stderr and stray stdout), line by line, when capturable (for crash reasons). */
  onStderr(handler: (line: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * The seam between the supervisor and process creation: `forkSpawner` under Node (CLI, tests,
 * headless), an Electron utilityProcess spawner injected by the Electron shell in the app.
 */
export interface WorkerSpawner {
  spawn(): WorkerChild;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The worker entry next to this file: TypeScript from a checkout, JavaScript from a bundle. */
export function defaultWorkerEntry(): string {
  // The CLI's bundle (bin/cli-bundle.js) puts a worker bundle beside itself: no tsx in the worker.
  const besideCli = path.join(here, "worker-main.js");
  if (existsSync(besideCli)) return besideCli;
  const bundled = path.resolve(here, "../../src-worker/main.js");
  return existsSync(bundled) ? bundled : path.resolve(here, "../../src-worker/main.ts");
}

export function forkSpawner(opts: { entry?: string; env?: NodeJS.ProcessEnv } = {}): WorkerSpawner {
  const entry = opts.entry ?? defaultWorkerEntry();
  // Sources run through tsx's loader; a bundled .js entry runs as is.
  const execArgv = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  return {
    spawn() {
      const child = fork(entry, [], {
        execArgv,
        env: { ...process.env, ...opts.env },
        // Piped, never inherited: with --json the CLI's stdout must carry only its own JSON lines.
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "advanced",
      });
      const stderrHandlers: Array<(line: string) => void> = [];
      forwardLines([child.stdout, child.stderr], stderrHandlers);
      // A send racing the child's death reports an error here; left unhandled it would take main down.
      child.on("error", (err) => stderrHandlers.forEach((h) => h(`worker process error: ${err.message}`)));
      const hasExited = () => child.exitCode !== null || child.signalCode !== null;
      return {
        pid: child.pid,
        send: (m) => {
          if (child.connected) child.send(m as Parameters<typeof child.send>[0], () => undefined);
        },
        onMessage: (h) => child.on("message", h),
        onExit: (h) => {
          if (hasExited()) setImmediate(() => h({ code: child.exitCode, signal: child.signalCode }));
          else child.once("exit", (code, signal) => h({ code, signal }));
        },
        onStderr: (h) => stderrHandlers.push(h),
        kill: (signal = "SIGTERM") => {
          if (child.pid !== undefined && !hasExited()) process.kill(child.pid, signal);
        },
      };
    },
  };
}

/** Splits a child's output streams into lines and hands each line to every handler. */
export function forwardLines(streams: ReadonlyArray<Readable | null>, handlers: ReadonlyArray<(line: string) => void>): void {
  for (const stream of streams) {
    let tail = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      tail += chunk;
      const lines = tail.split("\n");
      tail = lines.pop() ?? "";
      for (const line of lines) for (const h of handlers) h(line);
    });
  }
}
