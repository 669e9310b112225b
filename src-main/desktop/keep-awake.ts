import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { followSnapshot } from "../session/follow-snapshot.js";
import type { MiningCore } from "../session/main-core.js";

/** Electron's powerSaveBlocker as far as this uses it: start returns an id that stop takes. */
export interface SleepBlocker {
  start(): number;
  stop(id: number): void;
}

/** A task whose current deadline passed this long ago no longer holds the machine awake (a stale record). */
export const STALE_AFTER_MS = 15 * 60_000;

/** States in which the engine steps tasks (stopped and error: nothing runs, so nothing to stay awake for). */
const WORKING = new Set<AppSnapshot["mining"]["state"]>(["starting", "mining", "degraded", "paused", "stopping"]);

/**
 * Whether a task is in flight: a live task short of End while the miner works (paused and stopping
 * included: tasks already taken are finished then). A task whose deadline passed long ago is stale.
 */
export function taskInFlight(s: Pick<AppSnapshot, "mining" | "tasks">, nowMs: number): boolean {
  if (!WORKING.has(s.mining.state)) return false;
  return s.tasks.some(
    (t) => t.stage !== "End" && (t.deadlineAt === undefined || t.deadlineAt + STALE_AFTER_MS > nowMs),
  );
}

/**
 * Keeps the computer from suspending while a task is in flight: the blocker starts with the first
 * task in flight and stops when none is left (or at stop). Follows the core's snapshot, then its
 * patches (re-reading the snapshot when one does not follow on), as the notifier does.
 */
export function keepAwakeWhileBusy(
  core: Pick<MiningCore, "getSnapshot" | "onPatch">,
  blocker: SleepBlocker,
  now: () => number = Date.now,
): () => void {
  let id: number | undefined;
  const off = followSnapshot(core, (snapshot) => {
    const busy = taskInFlight(snapshot, now());
    if (busy && id === undefined) id = blocker.start();
    else if (!busy && id !== undefined) {
      blocker.stop(id);
      id = undefined;
    }
  });
  return () => {
    off();
    if (id !== undefined) blocker.stop(id);
    id = undefined;
  };
}
