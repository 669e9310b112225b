import { execFile } from "node:child_process";
import type { ActivitySource } from "../scheduler/mining-gate.js";
import type { ActivitySnapshot, GpuProcess } from "../scheduler/yield-rules.js";
import { parsePmon } from "./nvidia-pmon.js";

/**
 * Each probe answers what it can see, or undefined when it cannot tell (no NVIDIA driver, a process
 * list refused): that part of the snapshot is then absent and pauses nothing.
 */
export interface ActivityProbes {
  gpuProcesses?: () => Promise<readonly GpuProcess[] | undefined>;
  runningPrograms?: () => Promise<readonly string[] | undefined>;
  /** No portable probe exists (Electron cannot see other programs' windows); platform code may add one. */
  fullscreenApp?: () => Promise<string | undefined>;
}

export interface PolledActivityOptions {
  probes?: ActivityProbes;
  /** The process list is the costly probe: it is read on every `programsEvery`-th poll only (default 4: every 20 s). */
  programsEvery?: number;
  ownPids?: () => ReadonlySet<number>;
  intervalMs?: number;
}

export const ACTIVITY_POLL_MS = 5_000;
const NVIDIA_SMI_TIMEOUT_MS = 4_000;

/** `nvidia-smi pmon`: per-process GPU use; after the tool is found missing it is not asked again. */
export function nvidiaGpuProcesses(
  run: (cmd: string, args: string[]) => Promise<string> = execText,
): () => Promise<GpuProcess[] | undefined> {
  let missing = false;
  return async () => {
    if (missing) return undefined;
    try {
      return parsePmon(await run("nvidia-smi", ["pmon", "-c", "1", "-s", "u"]));
    } catch (err) {
      if ((err as { code?: unknown }).code === "ENOENT") missing = true;
      return undefined;
    }
  };
}

async function systemPrograms(): Promise<string[] | undefined> {
  const { default: si } = await import("systeminformation");
  const list = await si.processes();
  return list.list.map((p) => p.name);
}

function execText(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: NVIDIA_SMI_TIMEOUT_MS, windowsHide: true }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/**
 * The gate's activity source: the probes read on a timer while the gate watches, the last reading
 * served at once (the gate never waits on a probe). A probe that throws counts as "cannot tell".
 */
export function polledActivitySource(opts: PolledActivityOptions = {}): ActivitySource & { poll(): Promise<void> } {
  const probes = opts.probes ?? { gpuProcesses: nvidiaGpuProcesses(), runningPrograms: systemPrograms };
  const listeners = new Set<() => void>();
  let snapshot: ActivitySnapshot = {};
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let polls = 0;
  const programsEvery = Math.max(1, opts.programsEvery ?? 4);
  const safely = async <T>(probe: (() => Promise<T | undefined>) | undefined): Promise<T | undefined> => {
    try {
      return probe ? await probe() : undefined;
    } catch {
      return undefined;
    }
  };

  const poll = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const readPrograms = polls++ % programsEvery === 0;
      const [gpuProcesses, runningPrograms, fullscreenApp] = await Promise.all([
        safely(probes.gpuProcesses),
        readPrograms ? safely(probes.runningPrograms) : Promise.resolve(snapshot.runningPrograms),
        safely(probes.fullscreenApp),
      ]);
      const next: ActivitySnapshot = {
        ...(gpuProcesses ? { gpuProcesses } : {}),
        ...(runningPrograms ? { runningPrograms } : {}),
        ...(fullscreenApp ? { fullscreenApp } : {}),
      };
      const changed = JSON.stringify(next) !== JSON.stringify(snapshot);
      snapshot = next;
      if (changed) for (const listener of listeners) listener();
    } finally {
      reading = false;
    }
  };

  return {
    current: () => snapshot,
    ownPids: () => opts.ownPids?.() ?? new Set([process.pid]),
    poll,
    watch(listener) {
      listeners.add(listener);
      if (!timer) {
        void poll();
        timer = setInterval(() => void poll(), opts.intervalMs ?? ACTIVITY_POLL_MS);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !timer) return;
        clearInterval(timer);
        timer = undefined;
      };
    },
  };
}
