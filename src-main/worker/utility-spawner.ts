import type { Readable } from "node:stream";
import { defaultWorkerEntry, forwardLines, type WorkerChild, type WorkerSpawner } from "./spawn.js";

/** The part of Electron's UtilityProcess the supervisor uses (typed here so main never imports electron). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): this;
  on(event: "exit", listener: (code: number) => void): this;
  kill(): boolean;
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { stdio: "pipe"; serviceName: string; env: NodeJS.ProcessEnv },
) => UtilityProcessLike;

/**
 * The Electron app's spawner: the shell passes `utilityProcess.fork` in. The worker entry must be
 * bundled JavaScript there (no tsx loader inside the app).
 */
export function utilitySpawner(fork: UtilityFork, opts: { entry?: string; env?: NodeJS.ProcessEnv } = {}): WorkerSpawner {
  const entry = opts.entry ?? defaultWorkerEntry();
  return {
    spawn(): WorkerChild {
      const child = fork(entry, [], { stdio: "pipe", serviceName: "PoUW inference worker", env: { ...process.env, ...opts.env } });
      const lineHandlers: Array<(line: string) => void> = [];
      forwardLines([child.stdout, child.stderr], lineHandlers);
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const exitHandlers: Array<(e: { code: number | null; signal: NodeJS.Signals | null }) => void> = [];
      child.on("exit", (code) => {
        // Electron reports only a code; a signal death shows as a non-zero code.
        exit = { code, signal: null };
        for (const h of exitHandlers) h(exit);
      });
      return {
        pid: child.pid,
        send: (m) => {
          if (!exit) child.postMessage(m);
        },
        onMessage: (h) => child.on("message", h),
        onExit: (h) => {
          if (exit) setImmediate(() => h(exit as { code: number | null; signal: NodeJS.Signals | null }));
          else exitHandlers.push(h);
        },
        onStderr: (h) => lineHandlers.push(h),
        kill: (signal = "SIGTERM") => {
          if (exit || child.pid === undefined) return;
          if (signal === "SIGTERM") child.kill();
          else process.kill(child.pid, signal);
        },
      };
    },
  };
}
