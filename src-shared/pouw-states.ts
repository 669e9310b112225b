import { z } from "zod";

/**
 * Enums of the PoUW contracts, in the Solidity declaration order (the chain returns indexes).
 * test/unit/chain-states.test.ts checks them against contracts/ and the generated ABIs.
 */
export const TASK_STATES = ["Request", "Create", "Prepare", "Start", "Precommit", "Commit", "End"] as const;
export const TaskState = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskState>;

/** How a task in End got there; Pending while it is not ended. */
export const TASK_OUTCOMES = ["Pending", "Settled", "Refunded"] as const;
export const TaskOutcome = z.enum(TASK_OUTCOMES);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

export const SLOT_STATUSES = ["Empty", "Assigned", "Acked", "Precommitted", "Revealed", "Dropped"] as const;
export const SlotStatus = z.enum(SLOT_STATUSES);
export type SlotStatus = z.infer<typeof SlotStatus>;

export const NODE_ROLES = ["None", "Miner", "Oracle"] as const;
export const NodeRole = z.enum(NODE_ROLES);
export type NodeRole = z.infer<typeof NodeRole>;

/** What a slot's end did to its miner's reputation. */
export const SLOT_OUTCOMES = ["Released", "Completed", "Failed", "TimedOut", "Outlier"] as const;
export const SlotOutcome = z.enum(SLOT_OUTCOMES);
export type SlotOutcome = z.infer<typeof SlotOutcome>;

function byIndex<T extends string>(names: readonly T[], what: string) {
  return (index: number | bigint): T => {
    const name = names[Number(index)];
    if (name === undefined) throw new RangeError(`unknown ${what} index ${String(index)}`);
    return name;
  };
}

export const taskStateName = byIndex(TASK_STATES, "task state");
export const taskOutcomeName = byIndex(TASK_OUTCOMES, "task outcome");
export const slotStatusName = byIndex(SLOT_STATUSES, "slot status");
export const nodeRoleName = byIndex(NODE_ROLES, "node role");
export const slotOutcomeName = byIndex(SLOT_OUTCOMES, "slot outcome");

export function taskStateIndex(state: TaskState): number {
  return TASK_STATES.indexOf(state);
}

export function nodeRoleIndex(role: NodeRole): number {
  return NODE_ROLES.indexOf(role);
}

/** States only move forward; End is terminal. */
export function isForwardTransition(from: TaskState, to: TaskState): boolean {
  return taskStateIndex(to) > taskStateIndex(from);
}
