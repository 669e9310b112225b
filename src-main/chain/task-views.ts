import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import {
  slotStatusName,
  taskOutcomeName,
  taskStateName,
  type SlotStatus,
  type TaskOutcome,
  type TaskState,
} from "../../src-shared/pouw-states.js";
import type { PouwTasks } from "./contracts.js";

export interface TaskView {
  id: bigint;
  requester: string;
  state: TaskState;
  outcome: TaskOutcome;
  background: boolean;
  k: number;
  priority: number;
  live: number;
  progressed: number;
  revealsClosed: boolean;
  escrow: bigint;
  deadline: number;
  modelId: string;
}

export interface SlotView {
  miner: string;
  status: SlotStatus;
  rank: number;
  /** commitmentOf(scope, outputHash, salt) once precommitted (0x…01 before). */
  commitment: string;
}

export async function readTask(tasks: PouwTasks, taskId: bigint): Promise<TaskView> {
  const r = await tasks.read("getTask", taskId);
  return {
    id: taskId,
    requester: r.requester,
    state: taskStateName(Number(r.state)),
    outcome: taskOutcomeName(Number(r.outcome)),
    background: await tasks.read("isBackground", taskId),
    k: Number(r.k),
    priority: Number(r.priority),
    live: Number(r.live),
    progressed: Number(r.progressed),
    revealsClosed: r.revealsClosed,
    escrow: r.escrow,
    deadline: Number(r.deadline),
    modelId: r.modelId,
  };
}

export async function readSlot(tasks: PouwTasks, taskId: bigint, slot: number): Promise<SlotView> {
  const r = await tasks.read("getSlot", taskId, slot);
  return { miner: r.miner, status: slotStatusName(Number(r.status)), rank: Number(r.rank), commitment: r.commitment };
}

export async function readSlots(tasks: PouwTasks, taskId: bigint, k: number): Promise<SlotView[]> {
  const slots: SlotView[] = [];
  for (let i = 0; i < k; i++) slots.push(await readSlot(tasks, taskId, i));
  return slots;
}

/** Model ids on chain are keccak256 of the model's catalogue name. */
export function modelIdOf(name: string): string {
  return keccak256(toUtf8Bytes(name));
}

export function outputHashOf(output: string | Uint8Array): string {
  return keccak256(typeof output === "string" ? toUtf8Bytes(output) : output);
}

/** Where a commitment is bound: the deployment's task contract, the task, the slot and the miner. */
export interface CommitmentScope {
  tasks: string;
  taskId: bigint;
  slot: number;
  miner: string;
}

/**
 * What a miner precommits (PouwTasks.commitmentFor): keccak256(abi.encode(tasks, taskId, slot,
 * miner, keccak256(output), salt)), so an output revealed for another task, slot or miner cannot
 * be replayed.
 */
export function commitmentOf(scope: CommitmentScope, outputHash: string, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "uint8", "address", "bytes32", "bytes32"],
      [scope.tasks, scope.taskId, scope.slot, scope.miner, outputHash, salt],
    ),
  );
}

/** The hash oracles agree on for a PoI result (same as PouwTasks.poiResultHash). */
export function poiResultHashOf(taskId: bigint, scoresBps: readonly number[]): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint16[]"], [taskId, scoresBps]));
}
