import type { JsonRpcProvider, TransactionReceipt } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { AbiOf, CallArgs, ProtocolContracts, PouwTasks, WriteName } from "../chain/contracts.js";
import type { TaskView } from "../chain/task-views.js";
import type { TxQueue } from "../tx/tx-queue.js";
import type { SpeedProfile } from "../scheduler/admission.js";
import type { EngineJournal } from "./engine-journal.js";
import type { Inference, InferenceRequest, InferenceResult } from "./inference.js";
import type { RecordsStore } from "./records-store.js";
import type { TaskInputs } from "./task-inputs.js";

/** What every step of the engine needs; built once by TaskEngine. */
export interface EngineContext {
  address: string;
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  txQueue: Pick<TxQueue, "send" | "recover">;
  inference: Inference;
  journal: EngineJournal;
  records: RecordsStore;
  inputs: TaskInputs;
  clock: () => number;
  speedProfile?: SpeedProfile;
  /** Seconds assumed for a transaction to be mined, in admission decisions. */
  txSeconds: number;
  backgroundMaxTokens: number;
  /** Why new assignments must wait now (the mining gate), or undefined while they may be taken. */
  paused?: () => string | undefined;
  /** True once mining was stopped: no transaction is sent (a step under way ends there). */
  halted(): boolean;
  /** One generation at a time (the model is one), in scheduling order. */
  infer(task: TaskView, role: "miner" | "creator", req: InferenceRequest): Promise<InferenceResult>;
  onChange(record: TaskRecord): void;
}

type TasksAbi = AbiOf<PouwTasks>;

/** Sends one task action through the journaled queue (never ethers' contract.send); the call is typed from the ABI. */
export function sendAction<M extends WriteName<TasksAbi>>(
  ctx: EngineContext,
  taskId: bigint,
  action: string,
  method: M,
  args: CallArgs<TasksAbi, M>,
): Promise<TransactionReceipt> {
  // Checked before anything is journaled, so a later start sends it (if still in time) as if never tried.
  if (ctx.halted())
    return Promise.reject(new PouwError("CANCELLED", `mining was stopped before the ${action} was sent`));
  const data = ctx.contracts.tasks.contract.interface.encodeFunctionData(method, args);
  return ctx.txQueue.send({ taskId: taskId.toString(), action, to: ctx.contracts.tasks.address, data });
}

/** The latest block's time: deadlines are judged against the chain's clock, not ours. */
export async function chainNow(ctx: EngineContext): Promise<number> {
  const block = await ctx.provider.getBlock("latest");
  if (!block) throw new PouwError("CHAIN_ERROR", "the node returned no latest block");
  return block.timestamp;
}

/** A transaction mined after `deadline` reverts (block.timestamp > deadline), so it must not be sent. */
export async function beforeDeadline(ctx: EngineContext, task: TaskView): Promise<boolean> {
  return (await chainNow(ctx)) < task.deadline;
}

export function nowSeconds(ctx: EngineContext): number {
  return Math.floor(ctx.clock() / 1000);
}

/** Creates or updates a record and tells the listener when it changed. */
export async function updateRecord(
  ctx: EngineContext,
  taskId: bigint,
  slot: number,
  fresh: () => TaskRecord,
  update: (r: TaskRecord) => TaskRecord,
): Promise<TaskRecord> {
  const before = ctx.records.get(taskId.toString(), slot);
  const next = await ctx.records.upsert(taskId.toString(), slot, (prev) => update(prev ?? fresh()));
  if (next !== before) ctx.onChange(next);
  return next;
}

export function preview(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
