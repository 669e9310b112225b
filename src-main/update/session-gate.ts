import type { MiningStateName } from "../../src-shared/app-contract.js";
import type { MiningCore } from "../session/main-core.js";

/**
 * What the Updater needs from the app session to install without cutting a task short: the mining
 * state and the tasks in flight from its snapshot, the draining stop, and word of every change.
 */
export interface SessionGate {
  miningState(): MiningStateName;
  /** Tasks the snapshot shows still short of End. */
  tasksInFlight(): number;
  /** The draining stop (no new work; the tasks in flight finish, then mining stops). */
  drain(): Promise<unknown>;
  /** Called after every change of the snapshot; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Nothing runs in these states: installing now cuts no task short. */
export function miningIdle(state: MiningStateName): boolean {
  return state === "stopped" || state === "error";
}

export function sessionGate(core: MiningCore): SessionGate {
  const snapshot = () => core.getSnapshot().snapshot;
  return {
    miningState: () => snapshot().mining.state,
    tasksInFlight: () => snapshot().tasks.filter((t) => t.stage !== "End").length,
    // A second stopMining while draining would force the stop: a drain already under way is joined.
    drain: async () => (snapshot().mining.state === "stopping" ? undefined : core.stopMining({ force: false })),
    onChange: (listener) => core.onPatch(() => listener()),
  };
}
