import { Interface, getAddress, type Log } from "ethers";
import { taskStateName, type TaskState } from "../../src-shared/pouw-states.js";
import { PouwTasksAbi } from "../chain/generated/index.js";

/** Where a log came from: enough to order events and to tell a replay from a new event. */
export interface LogMeta {
  blockNumber: number;
  logIndex: number;
  txHash: string;
}

export interface TaskSpecView {
  modelId: string;
  promptHash: string;
  promptUri: string;
  maxTokens: number;
  temperatureMilli: number;
  seed: bigint;
  k: number;
  priority: number;
}

/** Credit kinds of the Credited event (TaskBase.CREDIT_*), in on-chain order. */
export const CREDIT_KINDS = ["miner", "oracle", "keeper", "creator", "refund"] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

type WithTask<T> = T & { taskId: bigint; meta: LogMeta };

/** Every PouwTasks event, decoded and typed; the one decoder miner and oracle share. */
export type TaskEvent =
  | WithTask<{
      name: "TaskRequested";
      requester: string;
      modelId: string;
      background: boolean;
      spec: TaskSpecView;
      payment: bigint;
    }>
  | WithTask<{ name: "StateChanged"; from: TaskState; to: TaskState; deadline: number }>
  | WithTask<{ name: "CreatorAssigned"; miner: string; topicIndex: number }>
  | WithTask<{ name: "SeedCreated"; miner: string; seedHash: string; seed: string }>
  | WithTask<{ name: "PromptPrepared"; miner: string; promptHash: string; prompt: string }>
  | WithTask<{ name: "MinerAssigned"; miner: string; slot: number; deadline: number }>
  | WithTask<{ name: "Acked"; miner: string; slot: number }>
  | WithTask<{ name: "Precommitted"; miner: string; slot: number; commitment: string }>
  | WithTask<{ name: "Revealed"; miner: string; slot: number; outputHash: string; inline: boolean; data: string }>
  | WithTask<{ name: "SlotDropped"; miner: string; slot: number; during: TaskState }>
  | WithTask<{ name: "SlotReassigned"; oldMiner: string; newMiner: string; slot: number }>
  | WithTask<{ name: "SlotDeclined"; miner: string; slot: number }>
  | WithTask<{ name: "RevealsClosed"; poiDeadline: number }>
  | WithTask<{ name: "DrawScheduled"; drawBlock: number }>
  | WithTask<{ name: "PoiSubmitted"; oracle: string; resultHash: string; scoresBps: number[] }>
  | WithTask<{ name: "PoiFinalized"; resultHash: string }>
  | WithTask<{ name: "Credited"; account: string; amount: bigint; kind: CreditKind }>
  | { name: "Withdrawn"; account: string; amount: bigint; meta: LogMeta };

export type TaskEventName = TaskEvent["name"];
export type TaskEventOf<N extends TaskEventName> = Extract<TaskEvent, { name: N }>;

export const TASK_EVENT_NAMES: readonly TaskEventName[] = [
  "TaskRequested",
  "StateChanged",
  "CreatorAssigned",
  "SeedCreated",
  "PromptPrepared",
  "MinerAssigned",
  "Acked",
  "Precommitted",
  "Revealed",
  "SlotDropped",
  "SlotReassigned",
  "SlotDeclined",
  "RevealsClosed",
  "DrawScheduled",
  "PoiSubmitted",
  "PoiFinalized",
  "Credited",
  "Withdrawn",
];

export const tasksInterface = new Interface(PouwTasksAbi as unknown as ConstructorParameters<typeof Interface>[0]);

/** topic0 of each named event, for eth_getLogs filters. */
export function eventTopics(names: readonly TaskEventName[]): string[] {
  return names.map((n) => {
    const ev = tasksInterface.getEvent(n);
    if (!ev) throw new RangeError(`PouwTasks has no event ${n}`);
    return ev.topicHash;
  });
}

/** Events that index the miner as their second topic: a filter on our address finds all of ours. */
export const MINER_INDEXED_EVENTS: readonly TaskEventName[] = [
  "CreatorAssigned",
  "MinerAssigned",
  "Acked",
  "Precommitted",
  "Revealed",
  "SlotDropped",
  "Credited",
];
/** Task-wide events a miner needs for the tasks it serves (they name no miner). */
export const TASK_WIDE_EVENTS: readonly TaskEventName[] = ["StateChanged", "PoiFinalized"];

/** Decodes one log of the PouwTasks contract; undefined for a log that is not one of its events. */
export function decodeTaskLog(
  log: Pick<Log, "topics" | "data" | "blockNumber" | "index" | "transactionHash">,
): TaskEvent | undefined {
  let parsed;
  try {
    parsed = tasksInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const a = parsed.args;
  const meta: LogMeta = { blockNumber: log.blockNumber, logIndex: log.index, txHash: log.transactionHash };
  const addr = (v: unknown) => getAddress(String(v));
  const num = (v: unknown) => Number(v as bigint);
  const str = (v: unknown) => String(v);
  if (parsed.name === "Withdrawn")
    return { name: "Withdrawn", account: addr(a[0]), amount: BigInt(a[1] as bigint), meta };
  const base = { taskId: BigInt(a[0] as bigint), meta };
  switch (parsed.name as TaskEventName) {
    case "TaskRequested": {
      const s = a.getValue("spec") as Record<string, unknown>;
      const spec: TaskSpecView = {
        modelId: str(s.modelId),
        promptHash: str(s.promptHash),
        promptUri: str(s.promptUri),
        maxTokens: num(s.maxTokens),
        temperatureMilli: num(s.temperatureMilli),
        seed: BigInt(s.seed as bigint),
        k: num(s.k),
        priority: num(s.priority),
      };
      return {
        name: "TaskRequested",
        ...base,
        requester: addr(a[1]),
        modelId: str(a[2]),
        background: Boolean(a[3]),
        spec,
        payment: BigInt(a[5] as bigint),
      };
    }
    case "StateChanged":
      return {
        name: "StateChanged",
        ...base,
        from: taskStateName(num(a[1])),
        to: taskStateName(num(a[2])),
        deadline: num(a[3]),
      };
    case "CreatorAssigned":
      return { name: "CreatorAssigned", ...base, miner: addr(a[1]), topicIndex: num(a[2]) };
    case "SeedCreated":
      return { name: "SeedCreated", ...base, miner: addr(a[1]), seedHash: str(a[2]), seed: str(a[3]) };
    case "PromptPrepared":
      return { name: "PromptPrepared", ...base, miner: addr(a[1]), promptHash: str(a[2]), prompt: str(a[3]) };
    case "MinerAssigned":
      return { name: "MinerAssigned", ...base, miner: addr(a[1]), slot: num(a[2]), deadline: num(a[3]) };
    case "Acked":
      return { name: "Acked", ...base, miner: addr(a[1]), slot: num(a[2]) };
    case "Precommitted":
      return { name: "Precommitted", ...base, miner: addr(a[1]), slot: num(a[2]), commitment: str(a[3]) };
    case "Revealed":
      return {
        name: "Revealed",
        ...base,
        miner: addr(a[1]),
        slot: num(a[2]),
        outputHash: str(a[3]),
        inline: Boolean(a[4]),
        data: str(a[5]),
      };
    case "SlotDropped":
      return { name: "SlotDropped", ...base, miner: addr(a[1]), slot: num(a[2]), during: taskStateName(num(a[3])) };
    case "SlotReassigned":
      return { name: "SlotReassigned", ...base, oldMiner: addr(a[1]), newMiner: addr(a[2]), slot: num(a[3]) };
    case "SlotDeclined":
      return { name: "SlotDeclined", ...base, miner: addr(a[1]), slot: num(a[2]) };
    case "RevealsClosed":
      return { name: "RevealsClosed", ...base, poiDeadline: num(a[1]) };
    case "DrawScheduled":
      return { name: "DrawScheduled", ...base, drawBlock: num(a[1]) };
    case "PoiSubmitted":
      return {
        name: "PoiSubmitted",
        ...base,
        oracle: addr(a[1]),
        resultHash: str(a[2]),
        scoresBps: (a[3] as readonly bigint[]).map(num),
      };
    case "PoiFinalized":
      return { name: "PoiFinalized", ...base, resultHash: str(a[1]) };
    case "Credited":
      return {
        name: "Credited",
        ...base,
        account: addr(a[1]),
        amount: BigInt(a[2] as bigint),
        kind: CREDIT_KINDS[num(a[3])] ?? "refund",
      };
    default:
      return undefined;
  }
}

/** A key that is the same for every delivery of one log: replays are recognised by it. */
export function eventKey(meta: LogMeta): string {
  return `${meta.txHash}:${meta.logIndex}`;
}
