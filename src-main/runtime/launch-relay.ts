import { LAUNCH_RELAY_ENV, RelayEvent, RelayRequest } from "../../src-shared/launch-relay-contract.js";
import type { ParentChannel } from "../../src-shared/node/parent-channel.js";
import { setLauncher, type ChildExit, type LaunchedChild, type Launcher } from "./launcher.js";
import { runtimeFiles } from "./runtime-files.js";

/**
 * The child's side: a Launcher whose children the parent starts (see launch-relay-contract.ts). Its
 * users see ordinary children: messages, output, exit and kill work as with their own fork.
 */
export function relayedLauncher(channel: ParentChannel): Launcher {
  let lastId = 0;
  const live = new Map<number, (e: RelayEvent) => void>();
  channel.onMessage((raw) => {
    const e = RelayEvent.safeParse(raw);
    if (e.success) live.get(e.data.id)?.(e.data);
  });
  return {
    kind: "relayed",
    nested: false,
    launch(entry, opts): LaunchedChild {
      const id = ++lastId;
      let pid: number | undefined;
      let exit: ChildExit | undefined;
      const onMessage: Array<(m: unknown) => void> = [];
      const onStderr: Array<(line: string) => void> = [];
      const onExit: Array<(e: ChildExit) => void> = [];
      live.set(id, (e) => {
        if (e.kind === "relay-launched") pid = e.pid ?? undefined;
        else if (e.kind === "relay-message") onMessage.forEach((h) => h(e.message));
        else if (e.kind === "relay-stderr") onStderr.forEach((h) => h(e.line));
        else {
          exit = { code: e.code, signal: e.signal as NodeJS.Signals | null };
          live.delete(id);
          onExit.splice(0).forEach((h) => h(exit as ChildExit));
        }
      });
      const env = opts.env ? definedEnv(opts.env) : undefined;
      channel.send({
        kind: "relay-launch",
        id,
        entry,
        serviceName: opts.serviceName,
        ...(env ? { env } : {}),
      } satisfies RelayRequest);
      return {
        get pid() {
          return pid;
        },
        send: (message) => {
          if (!exit) channel.send({ kind: "relay-send", id, message } satisfies RelayRequest);
        },
        onMessage: (h) => onMessage.push(h),
        onStderr: (h) => onStderr.push(h),
        onExit: (h) => {
          const ended = exit;
          if (ended) setImmediate(() => h(ended));
          else onExit.push(h);
        },
        kill: (signal = "SIGTERM") => {
          if (!exit) channel.send({ kind: "relay-kill", id, signal } satisfies RelayRequest);
        },
      };
    },
  };
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The registry's entries: the only modules a child may ask its parent to start. */
function registryEntries(): ReadonlySet<string> {
  const files = runtimeFiles();
  return new Set([files.workerEntry, files.peerEntry, files.networkEntry]);
}

/**
 * The parent's side: starts the entries `child` asks for with `launcher`, passes their messages both
 * ways, and ends them when `child` ends (their parent is this process, so they would not notice).
 * The grandchildren's own requests are served here too (`launcher` is a relaying one), however deep.
 */
export function serveLaunchRelay(
  child: LaunchedChild,
  launcher: Launcher,
  allowed: ReadonlySet<string> = registryEntries(),
): void {
  const started = new Map<number, LaunchedChild>();
  const tell = (e: RelayEvent) => child.send(e);
  child.onMessage((raw) => {
    const r = RelayRequest.safeParse(raw);
    if (!r.success) return;
    const req = r.data;
    if (req.kind === "relay-launch") {
      if (!allowed.has(req.entry)) {
        tell({
          kind: "relay-stderr",
          id: req.id,
          line: `refused to start ${req.entry}: not an entry of the runtime registry`,
        });
        tell({ kind: "relay-exit", id: req.id, code: 1, signal: null });
        return;
      }
      const grandchild = launcher.launch(req.entry, {
        serviceName: req.serviceName,
        ...(req.env ? { env: req.env } : {}),
      });
      started.set(req.id, grandchild);
      tell({ kind: "relay-launched", id: req.id, pid: grandchild.pid ?? null });
      grandchild.onMessage((message) => tell({ kind: "relay-message", id: req.id, message }));
      grandchild.onStderr((line) => tell({ kind: "relay-stderr", id: req.id, line }));
      grandchild.onExit(({ code, signal }) => {
        started.delete(req.id);
        tell({ kind: "relay-exit", id: req.id, code, signal });
      });
    } else if (req.kind === "relay-send") {
      started.get(req.id)?.send(req.message);
    } else {
      started.get(req.id)?.kill(req.signal as NodeJS.Signals);
    }
  });
  child.onExit(() => {
    for (const g of started.values()) g.kill("SIGKILL");
    started.clear();
  });
}

/**
 * Wraps a launcher whose children cannot start children of their own (Electron's utilityProcess):
 * every child is told its parent relays, and its requests are served.
 */
export function relayingLauncher(base: Launcher, allowed?: ReadonlySet<string>): Launcher {
  const self: Launcher = {
    kind: base.kind,
    nested: true,
    launch(entry, opts) {
      const child = base.launch(entry, { ...opts, env: { ...opts.env, [LAUNCH_RELAY_ENV]: "1" } });
      serveLaunchRelay(child, self, allowed);
      return child;
    },
  };
  return self;
}

/** In a child entry: when the parent relays launches, this process's launcher goes through it. */
export function adoptParentLauncher(channel: ParentChannel, env: NodeJS.ProcessEnv = process.env): void {
  if (env[LAUNCH_RELAY_ENV] === "1") setLauncher(relayedLauncher(channel));
}
