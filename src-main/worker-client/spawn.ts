import { currentLauncher, type Launcher, type LaunchedChild } from "../runtime/launcher.js";
import { runtimeFiles } from "../runtime/runtime-files.js";

/** What the supervisor needs from a started worker, however it was started. */
export type WorkerChild = LaunchedChild;

/**
 * The seam between the supervisor and process creation: by default the process's launcher
 * (Node's fork, or Electron's utilityProcess in the app) runs the registry's worker entry; tests
 * and a relayed peer worker inject their own.
 */
export interface WorkerSpawner {
  spawn(): WorkerChild;
}

export function workerSpawner(
  opts: { entry?: string; env?: NodeJS.ProcessEnv; launcher?: Launcher } = {},
): WorkerSpawner {
  return {
    spawn: () =>
      (opts.launcher ?? currentLauncher()).launch(opts.entry ?? runtimeFiles().workerEntry, {
        serviceName: "PoUW inference worker",
        ...(opts.env ? { env: opts.env } : {}),
      }),
  };
}
