import type { ParentChannel } from "../../src-shared/parent-channel.js";
import { PeerMessage, PeerWorkerEvent } from "../../src-shared/peer-contract.js";
import type { ChildExit, LaunchedChild, Launcher } from "../runtime/launcher.js";
import type { WorkerChild, WorkerSpawner } from "../worker/spawn.js";

/**
 * The peer's side: a WorkerSpawner whose workers the parent starts (Electron's utilityProcess can
 * only be forked by the main process). The peer's supervisor sees an ordinary child: ready,
 * heartbeats, crashes and restarts work as with its own fork.
 */
export function relayedWorkerSpawner(channel: ParentChannel): WorkerSpawner {
  let gen = 0;
  const live = new Map<number, (e: PeerWorkerEvent) => void>();
  channel.onMessage((raw) => {
    const e = PeerWorkerEvent.safeParse(raw);
    if (e.success) live.get(e.data.gen)?.(e.data);
  });
  return {
    spawn(): WorkerChild {
      const mine = ++gen;
      let pid: number | undefined;
      let exit: ChildExit | undefined;
      const onMessage: Array<(m: unknown) => void> = [];
      const onStderr: Array<(line: string) => void> = [];
      const onExit: Array<(e: ChildExit) => void> = [];
      live.set(mine, (e) => {
        if (e.kind === "worker-spawned") pid = e.pid ?? undefined;
        else if (e.kind === "worker-message") onMessage.forEach((h) => h(e.message));
        else if (e.kind === "worker-stderr") onStderr.forEach((h) => h(e.line));
        else {
          exit = { code: e.code, signal: e.signal as NodeJS.Signals | null };
          live.delete(mine);
          onExit.splice(0).forEach((h) => h(exit as ChildExit));
        }
      });
      channel.send({ kind: "worker-spawn", gen: mine } satisfies PeerMessage);
      return {
        get pid() {
          return pid;
        },
        send: (message) => {
          if (!exit) channel.send({ kind: "worker-send", gen: mine, message } satisfies PeerMessage);
        },
        onMessage: (h) => onMessage.push(h),
        onStderr: (h) => onStderr.push(h),
        onExit: (h) => {
          const ended = exit;
          if (ended) setImmediate(() => h(ended));
          else onExit.push(h);
        },
        kill: (signal = "SIGTERM") => {
          if (!exit) channel.send({ kind: "worker-kill", gen: mine, signal } satisfies PeerMessage);
        },
      };
    },
  };
}

/**
 * The parent's side: starts the workers a peer asks for with this process's launcher, passes their
 * messages both ways, and ends them when the peer ends (their parent is this process, so they
 * would not notice the peer going).
 */
export function serveWorkerRelay(peer: LaunchedChild, launcher: Launcher, workerEntry: string, serviceName: string): void {
  const workers = new Map<number, LaunchedChild>();
  const tell = (e: PeerWorkerEvent) => peer.send(e);
  peer.onMessage((raw) => {
    const m = PeerMessage.safeParse(raw);
    if (!m.success) return;
    const msg = m.data;
    if (msg.kind === "worker-spawn") {
      const worker = launcher.launch(workerEntry, { serviceName });
      workers.set(msg.gen, worker);
      tell({ kind: "worker-spawned", gen: msg.gen, pid: worker.pid ?? null });
      worker.onMessage((message) => tell({ kind: "worker-message", gen: msg.gen, message }));
      worker.onStderr((line) => tell({ kind: "worker-stderr", gen: msg.gen, line }));
      worker.onExit(({ code, signal }) => {
        workers.delete(msg.gen);
        tell({ kind: "worker-exit", gen: msg.gen, code, signal });
      });
    } else if (msg.kind === "worker-send") {
      workers.get(msg.gen)?.send(msg.message);
    } else if (msg.kind === "worker-kill") {
      workers.get(msg.gen)?.kill(msg.signal as NodeJS.Signals);
    }
  });
  peer.onExit(() => {
    for (const w of workers.values()) w.kill("SIGKILL");
    workers.clear();
  });
}
