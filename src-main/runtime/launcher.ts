import { fork } from "node:child_process";
import { entryExecArgv } from "./runtime-files.js";
import { childEnv } from "./secret-env.js";

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child (worker or peer miner), however it was started. */
export interface LaunchedChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called once, when the process has ended. */
  onExit(handler: (exit: ChildExit) => void): void;
  /** The child's output (stderr and stray stdout), line by line, when capturable (for crash reasons). */
  onStderr(handler: (line: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface LaunchOptions {
  /** What the OS and Electron's task manager call it. */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * How this process starts the app's own child processes (entries from the runtime registry).
 * `nested` says whether a child may start children of its own: under Node it can; Electron's
 * utilityProcess can only be forked by the main process, so the shell wraps it in a relaying
 * launcher (launch-relay.ts) that starts grandchildren on the children's behalf.
 */
export interface Launcher {
  readonly kind: "node-fork" | "electron-utility" | "relayed";
  readonly nested: boolean;
  launch(entry: string, opts: LaunchOptions): LaunchedChild;
}

/** Splits a child's output streams into lines and hands each line to every handler. */
export function forwardLines(
  streams: ReadonlyArray<NodeJS.ReadableStream | null>,
  handlers: ReadonlyArray<(line: string) => void>,
): void {
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

/** Node's child_process.fork: the CLI, headless, tests, and peers started by them. */
export const nodeForkLauncher: Launcher = {
  kind: "node-fork",
  nested: true,
  launch(entry, opts) {
    const child = fork(entry, [], {
      execArgv: entryExecArgv(entry),
      env: childEnv(opts.env),
      // Piped, never inherited: with --json the CLI's stdout must carry only its own JSON lines.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
    });
    const lineHandlers: Array<(line: string) => void> = [];
    forwardLines([child.stdout, child.stderr], lineHandlers);
    // A send racing the child's death reports an error here; left unhandled it would take main down.
    child.on("error", (err) => lineHandlers.forEach((h) => h(`${opts.serviceName} process error: ${err.message}`)));
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
      onStderr: (h) => lineHandlers.push(h),
      kill: (signal = "SIGTERM") => {
        if (child.pid !== undefined && !hasExited()) process.kill(child.pid, signal);
      },
    };
  },
};

/** The part of Electron's UtilityProcess used here (typed here so this file never imports electron). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
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
 * The packaged app's launcher: the Electron shell passes `utilityProcess.fork` in. Entries must be
 * bundled JavaScript there (no tsx loader inside the app), and with the RunAsNode fuse off this is
 * the only way the app's binary runs a Node child.
 */
export function utilityLauncher(utilityFork: UtilityFork): Launcher {
  return {
    kind: "electron-utility",
    nested: false,
    launch(entry, opts) {
      const child = utilityFork(entry, [], { stdio: "pipe", serviceName: opts.serviceName, env: childEnv(opts.env) });
      const lineHandlers: Array<(line: string) => void> = [];
      forwardLines([child.stdout, child.stderr], lineHandlers);
      let exit: ChildExit | undefined;
      const exitHandlers: Array<(e: ChildExit) => void> = [];
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
          const ended = exit;
          if (ended) setImmediate(() => h(ended));
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

let current: Launcher = nodeForkLauncher;

/** The Electron shell sets utilityLauncher at start; everything else uses Node's fork. */
export function setLauncher(launcher: Launcher): void {
  current = launcher;
}

export function currentLauncher(): Launcher {
  return current;
}
