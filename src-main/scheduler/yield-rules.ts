/**
 * Yielding the computer to its user (issue 17 item 1): pause new work while a fullscreen program
 * runs, while another process uses the GPU heavily, or while a program the user listed runs. Pure
 * decisions over what probes saw (src-main/desktop/activity-source.ts); a probe that cannot tell
 * leaves its field out, and nothing is paused on a guess.
 */
export interface GpuProcess {
  readonly pid: number;
  readonly name: string;
  /** Share of the GPU's compute this process used, where the driver reports it per process (NVIDIA). */
  readonly gpuPercent?: number;
}

export interface ActivitySnapshot {
  /** The program shown full screen now, when a probe can tell. */
  readonly fullscreenApp?: string;
  readonly gpuProcesses?: readonly GpuProcess[];
  /** Names of the running programs (as the OS lists them). */
  readonly runningPrograms?: readonly string[];
}

export interface YieldSettings {
  readonly pauseOnFullscreen?: boolean;
  readonly pauseOnGpuBusy?: boolean;
  /** A process at or above this share of the GPU counts as the user's heavy use. */
  readonly gpuBusyPercent?: number;
  readonly pauseForPrograms?: readonly string[];
}

export type YieldCode = "FULLSCREEN_APP" | "GPU_BUSY" | "USER_PROGRAM";
export interface YieldReason {
  readonly code: YieldCode;
  readonly reason: string;
}

export const DEFAULT_GPU_BUSY_PERCENT = 30;

/** "C:\\Games\\Elden Ring.EXE" and "eldenring" are compared as "elden ring" / "eldenring": base name, no .exe, any case. */
export function programKey(name: string): string {
  const base = name.trim().split(/[\\/]/).pop() ?? "";
  return base.replace(/\.(exe|app)$/i, "").toLowerCase();
}

/**
 * The first reason to yield, in the order a person would name it: their own list first (they asked
 * for it by name), then a fullscreen program, then another process busy on the GPU. `ownPids` are
 * this app's processes (the worker), never a reason to pause.
 */
export function yieldReason(
  settings: YieldSettings,
  seen: ActivitySnapshot,
  ownPids: ReadonlySet<number> = new Set(),
): YieldReason | undefined {
  const listed = new Set((settings.pauseForPrograms ?? []).map(programKey).filter((k) => k !== ""));
  if (listed.size > 0) {
    const running = (seen.runningPrograms ?? []).find((p) => listed.has(programKey(p)));
    if (running)
      return {
        code: "USER_PROGRAM",
        reason: `paused: ${programKey(running)} is running (on your list of programs to make way for)`,
      };
  }
  if (settings.pauseOnFullscreen !== false && seen.fullscreenApp) {
    return { code: "FULLSCREEN_APP", reason: `paused: ${seen.fullscreenApp} is running full screen` };
  }
  if (settings.pauseOnGpuBusy !== false) {
    const threshold = settings.gpuBusyPercent ?? DEFAULT_GPU_BUSY_PERCENT;
    const busy = (seen.gpuProcesses ?? [])
      .filter((p) => !ownPids.has(p.pid) && p.gpuPercent !== undefined && p.gpuPercent >= threshold)
      .sort((a, b) => (b.gpuPercent ?? 0) - (a.gpuPercent ?? 0))[0];
    if (busy)
      return {
        code: "GPU_BUSY",
        reason: `paused: ${programKey(busy.name)} is using the GPU (${Math.round(busy.gpuPercent ?? 0)}%)`,
      };
  }
  return undefined;
}
