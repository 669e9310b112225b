import { zeroPadValue, toBeHex, type JsonRpcProvider } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import { outputHashOf } from "../chain/task-views.js";
import { decodeTaskLog, eventTopics, type TaskEventName, type TaskEventOf } from "./task-events.js";

/**
 * Reads what a task's events say about it (the spec, the seed, the prompt) straight from the chain
 * by task id, so the engine never depends on having seen those events itself (they do not name the
 * miner, so a miner-filtered sync does not deliver them).
 */
export class TaskInputs {
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly tasksAddress: string,
    private readonly fromBlock: number,
  ) {}

  async first<N extends TaskEventName>(name: N, taskId: bigint): Promise<TaskEventOf<N> | undefined> {
    const key = `${name}:${taskId}`;
    if (this.cache.has(key)) return this.cache.get(key) as TaskEventOf<N>;
    const logs = await this.provider.getLogs({
      address: this.tasksAddress,
      topics: [eventTopics([name]), zeroPadValue(toBeHex(taskId), 32)],
      fromBlock: this.fromBlock,
      toBlock: "latest",
    });
    for (const log of logs) {
      const ev = decodeTaskLog(log);
      if (ev?.name === name) {
        // Request, seed and prompt events are written once per task: safe to keep.
        this.cache.set(key, ev);
        return ev as TaskEventOf<N>;
      }
    }
    return undefined;
  }

  async all<N extends TaskEventName>(name: N, taskId: bigint): Promise<Array<TaskEventOf<N>>> {
    const logs = await this.provider.getLogs({
      address: this.tasksAddress,
      topics: [eventTopics([name]), zeroPadValue(toBeHex(taskId), 32)],
      fromBlock: this.fromBlock,
      toBlock: "latest",
    });
    return logs.map(decodeTaskLog).filter((e): e is TaskEventOf<N> => e?.name === name);
  }

  /** The text a miner must answer: a user task's prompt, or a background task's prepared prompt. */
  async prompt(taskId: bigint, background: boolean): Promise<string> {
    if (background) {
      const prepared = await this.first("PromptPrepared", taskId);
      if (!prepared) throw new PouwError("NOT_FOUND", `task ${taskId} has no prepared prompt yet`);
      return prepared.prompt;
    }
    const req = await this.first("TaskRequested", taskId);
    if (!req) throw new PouwError("NOT_FOUND", `task ${taskId} has no request event`);
    const { promptUri, promptHash } = req.spec;
    if (/^0x0{64}$/.test(promptHash) || outputHashOf(promptUri) === promptHash) return promptUri;
    // The spec points elsewhere (a URL); fetching remote prompts is not built yet.
    throw new PouwError(
      "NOT_FOUND",
      `task ${taskId} keeps its prompt at ${promptUri.slice(0, 80)}, which this miner cannot fetch yet`,
    );
  }
}
