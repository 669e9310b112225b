import { PouwError } from "../../src-shared/errors.js";
import {
  HostEvent,
  type HostCommand,
  type ServiceFailure,
  type ServiceRecord,
} from "../../src-shared/network-host-contract.js";
import { currentLauncher, type LaunchedChild } from "../../src-main/runtime/launcher.js";
import { runtimeFiles } from "../../src-main/runtime/runtime-files.js";
import { startDevnetChain, type DevnetOptions, type RunningDevnet } from "../devnet/devnet-chain.js";

export type { DevnetOptions, RunningDevnet } from "../devnet/devnet-chain.js";
export { portOf } from "../devnet/port.js";
export type { NetworkServicesOptions } from "../devnet/network-services.js";

/** A devnet start with peers takes tens of seconds on a busy machine; past this the host is given up. */
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * The one way the app starts network services: the embedded devnet with its oracle, router,
 * background demand and peer miners in a child process (the network host), so the app's own
 * process runs only the miner and never loads them. Without `network` only the chain runs, here
 * (anvil is a child either way). The answer is the same RunningDevnet either way.
 */
export function startNetworkHost(opts: DevnetOptions): Promise<RunningDevnet> {
  if (!opts.network) return startDevnetChain(opts);
  const child = currentLauncher().launch(runtimeFiles().networkEntry, { serviceName: "PoUW network" });
  const onLog = opts.network?.onLog ?? (() => undefined);
  child.onStderr((line) => onLog(`network host: ${line}`));
  return hostHandshake(child, opts, onLog);
}

function hostHandshake(
  child: LaunchedChild,
  opts: DevnetOptions,
  onLog: (line: string) => void,
): Promise<RunningDevnet> {
  let services: ServiceRecord[] = [];
  let stopping = false;
  let reportFailure: (f: ServiceFailure) => void = () => undefined;
  const failed = new Promise<ServiceFailure>((resolve) => (reportFailure = resolve));
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
  const tell = (c: HostCommand) => child.send(c);

  const stop = async () => {
    if (!stopping) {
      stopping = true;
      tell({ kind: "stop" });
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await Promise.race([stopped.then(() => exited), exited]);
    clearTimeout(timer);
  };

  return new Promise<RunningDevnet>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", cancel);
      f();
    };
    const giveUp = (err: PouwError) => {
      settle(() => reject(err));
      void stop();
    };
    const timer = setTimeout(
      () => giveUp(new PouwError("TIMEOUT", `the network host was not ready after ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const cancel = () => giveUp(new PouwError("CANCELLED", "the devnet was stopped before it was ready"));
    if (opts.signal?.aborted) return cancel();
    opts.signal?.addEventListener("abort", cancel, { once: true });

    child.onMessage((raw) => {
      const parsed = HostEvent.safeParse(raw);
      if (!parsed.success) return; // launch relay traffic (src-main/runtime/launch-relay.ts)
      const e = parsed.data;
      if (e.kind === "progress")
        opts.onProgress?.({ stage: e.stage, ...(e.message !== undefined ? { message: e.message } : {}) });
      else if (e.kind === "warning") opts.onWarning?.(e.message);
      else if (e.kind === "log") onLog(e.line);
      else if (e.kind === "services") services = e.services;
      else if (e.kind === "failed") reportFailure(e.failure);
      else if (e.kind === "stopped") {
        if (e.error) onLog(`network host: ${e.error.message}`);
        onStopped();
      } else if (e.kind === "start-failed") settle(() => reject(new PouwError(e.error.code, e.error.message)));
      else {
        services = e.services;
        // The host itself leads the list: it is a process of the devnet's like anvil and the peers.
        const host: ServiceRecord = { name: "network host", pid: child.pid ?? null, url: null };
        settle(() =>
          resolve({ info: e.info, deployed: e.deployed, services: () => [host, ...services], failed, stop }),
        );
      }
    });
    void exited.then(() => {
      settle(() => reject(new PouwError("INTERNAL", "the network host exited before the devnet was ready")));
      if (!stopping) reportFailure({ name: "network host", message: "the network host exited unexpectedly" });
    });
    const { network } = opts;
    const spec = network ? (({ onLog: _onLog, ...rest }) => rest)(network) : undefined;
    tell({
      kind: "start",
      dataDir: opts.dataDir,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(spec ? { network: spec } : {}),
    });
  });
}
