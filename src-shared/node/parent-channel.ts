/**
 * The one seam between a child process (the worker, a peer miner) and however it was started:
 * `child_process.fork` gives it `process.send`, Electron's utilityProcess gives it
 * `process.parentPort`. Node-only (it reads `process`), with no imports, so the worker can use it.
 */
export interface ParentChannel {
  readonly kind: "fork" | "electron-utility";
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called when the channel to the parent closes (the parent exited or crashed). */
  onParentGone(handler: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (e: { data: unknown }) => void): void;
  on(event: "close", listener: () => void): void;
}

export function parentChannel(proc: NodeJS.Process = process): ParentChannel {
  const parentPort = (proc as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      kind: "electron-utility",
      send: (m) => parentPort.postMessage(m),
      onMessage: (h) => parentPort.on("message", (e) => h(e.data)),
      onParentGone: (h) => parentPort.on("close", h),
    };
  }
  const send = proc.send?.bind(proc);
  if (!send) throw new Error("this process must be started by the miner (no IPC channel to a parent)");
  return {
    kind: "fork",
    send: (m) => {
      // A closed channel means the parent is gone; the disconnect handler ends the process.
      if (proc.connected) send(m);
    },
    onMessage: (h) => proc.on("message", h),
    onParentGone: (h) => proc.on("disconnect", h),
  };
}
