import { TASK_STATES, type TaskState } from "../../../../src-shared/pouw-states.js";

/**
 * before: passed before this miner's record starts (a miner joins at Start; Request…Prepare were
 * the network's); done: passed with a record; current: where the task is; complete: End reached;
 * pending: not reached yet.
 */
export type StepKind = "before" | "done" | "current" | "complete" | "pending";

/** One kind per PoUW state, in TASK_STATES order. Without stamps every passed state counts as done. */
export function stepKinds(stage: TaskState, states: readonly { state: TaskState }[] = []): StepKind[] {
  const current = TASK_STATES.indexOf(stage);
  const stamped = new Set(states.map((s) => s.state));
  const indexes = states.map((s) => TASK_STATES.indexOf(s.state));
  const firstStamped = indexes.length > 0 ? Math.min(...indexes) : -1;
  return TASK_STATES.map((state, i) => {
    if (i === current) return state === "End" ? "complete" : "current";
    if (i > current) return "pending";
    return firstStamped >= 0 && i < firstStamped && !stamped.has(state) ? "before" : "done";
  });
}
