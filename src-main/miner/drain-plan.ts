import type { ActionState } from "../tx/journal.js";
import { TASK_STATES, type TaskState } from "../../src-shared/pouw-states.js";
import type { Role } from "./engine-journal.js";

/**
 * What a draining stop waits for (docs/miner.md, "Stopping"): the tasks this miner took on and
 * still owes steps, and how long they can need it at most. Pure, so the rules are unit-tested.
 */

const MINER_ACTIONS = ["ack", "precommit", "reveal"];
const CREATOR_ACTIONS = ["seed", "prompt"];

/**
 * Whether a task this engine holds (not finished) still needs this miner, from the journal's
 * latest record per action of that task.
 * - Miner slot: once an ack was journaled (it may be on chain), until the task ends — unless an
 *   action was given up (deadline passed, declined), after which there is nothing left to send.
 *   A slot still un-acked is not in flight: the stop holds it like the mining gate does.
 * - Creator: until its prompt is mined (nothing is owed after it), unless seed or prompt was given up.
 */
export function owesSteps(role: Role, actions: readonly ActionState[]): boolean {
  const of = (action: string) => actions.find((a) => a.action === action);
  const gaveUp = (names: readonly string[]) => names.some((n) => of(n)?.abandoned !== undefined);
  if (role === "creator") return of("prompt")?.confirmed === undefined && !gaveUp(CREATOR_ACTIONS);
  return of("ack")?.intent !== undefined && !gaveUp(MINER_ACTIONS);
}

export interface TaskTiming {
  state: TaskState;
  /** Chain seconds: the end of the current state's window (or of the PoI window once reveals closed). */
  deadline: number;
  revealsClosed: boolean;
}

export interface Windows {
  /** Seconds allowed in each state, indexed like TASK_STATES (PouwTasks.params().windows). */
  windows: readonly number[];
  poiWindow: number;
}

const at = (state: TaskState) => TASK_STATES.indexOf(state);

/**
 * The latest chain time a task can still need this miner: the current deadline plus every window
 * the task may still pass through while this role has a part in it (a miner: through the PoI that
 * ends it; a creator: through Prepare). A reassignment of another slot can move a deadline later;
 * the drain's grace covers the usual case and the drain stops anyway after it.
 */
export function lastNeededAt(task: TaskTiming, role: Role, w: Windows): number {
  const last = role === "creator" ? at("Prepare") : at("Commit");
  let end = task.deadline;
  for (let s = at(task.state) + 1; s <= last; s++) end += w.windows[s] ?? 0;
  if (role === "miner" && at(task.state) <= last && !task.revealsClosed) end += w.poiWindow;
  return end;
}

const tasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;

/** The snapshot's reason while draining. */
export function drainingReason(inFlight: number): string {
  return `Stopping: finishing ${tasks(inFlight)} in flight`;
}

/** A forced stop (or a second stop while draining): what the user gave up, if anything. */
export function abandonedReason(inFlight: number): string {
  if (inFlight === 0) return STOPPED_BY_YOU;
  return `${STOPPED_BY_YOU}: ${tasks(inFlight)} in flight ${inFlight === 1 ? "was" : "were"} abandoned`;
}

/** The drain's upper bound passed with work still in flight. */
export function gaveUpReason(inFlight: number): string {
  return `${STOPPED_BY_YOU}: stopped waiting for ${tasks(inFlight)} in flight past ${inFlight === 1 ? "its" : "their"} last deadline`;
}

export const STOPPED_BY_YOU = "Stopped by you";
