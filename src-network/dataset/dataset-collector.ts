import { toUtf8String, Utf8ErrorFuncs, type JsonRpcProvider, type Log } from "ethers";
import { toErrorShape } from "../../src-shared/errors.js";
import type { ProtocolContracts } from "../../src-main/chain/contracts.js";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { decodeTaskLog, eventTopics } from "../../src-main/miner/task-events.js";
import { TaskInputs } from "../../src-main/miner/task-inputs.js";
import type { CursorStore } from "../../src-main/sync/cursor-store.js";
import { LogSync } from "../../src-main/sync/log-sync.js";
import { findTopic, type Topic } from "../demand/topic-catalogue.js";
import type { DatasetRecord } from "./dataset-record.js";
import type { AppendResult, DatasetStore } from "./dataset-store.js";

export interface DatasetCollectorOptions {
  provider: JsonRpcProvider;
  wsUrl?: string;
  contracts: ProtocolContracts;
  store: DatasetStore;
  /** The catalogue, to label each record with the catalogue topic its on-chain topic names. */
  topics: readonly Topic[];
  cursor: CursorStore;
  startBlock: number;
  pollMs?: number;
  onRecord?(taskId: bigint, result: AppendResult): void;
  onLog?(line: string): void;
}

/**
 * Follows settlements (PoiFinalized) and appends a record for each settled background task: its
 * topic, seed and prompt, the answer its miners agreed on (the best-scored reveal) and every
 * slot's score. Logs arrive at least once; the store is idempotent by task id.
 */
export class DatasetCollector {
  private readonly sync: LogSync;
  private readonly inputs: TaskInputs;

  constructor(private readonly opts: DatasetCollectorOptions) {
    this.inputs = new TaskInputs(opts.provider, opts.contracts.tasks.address, opts.startBlock);
    this.sync = new LogSync({
      provider: opts.provider,
      ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
      addresses: [opts.contracts.tasks.address],
      topics: [eventTopics(["PoiFinalized"])],
      cursor: opts.cursor,
      startBlock: opts.startBlock,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      onLogs: (logs) => this.handle(logs),
      onError: (err) => opts.onLog?.(`dataset: ${toErrorShape(err).message}`),
    });
  }

  start(): Promise<void> {
    return this.sync.start();
  }

  stop(): Promise<void> {
    return this.sync.stop();
  }

  private async handle(logs: Log[]): Promise<void> {
    for (const log of logs) {
      const ev = decodeTaskLog(log);
      if (ev?.name !== "PoiFinalized") continue;
      const result = await this.collect(ev.taskId, ev.resultHash, log.blockNumber);
      if (result) this.opts.onRecord?.(ev.taskId, result);
    }
  }

  /** The record of one settled task, appended; undefined for a user task or one with no readable answer. */
  async collect(taskId: bigint, resultHash: string, block: number): Promise<AppendResult | undefined> {
    if (this.opts.store.has(taskId.toString())) return "exists";
    const record = await this.recordOf(taskId, resultHash, block);
    return record ? this.opts.store.append(record) : undefined;
  }

  private async recordOf(taskId: bigint, resultHash: string, block: number): Promise<DatasetRecord | undefined> {
    const { tasks } = this.opts.contracts;
    const task = await readTask(tasks, taskId);
    if (!task.background) return undefined;
    const [request, seed, prompt, creator, submissions, reveals, slots] = await Promise.all([
      this.inputs.first("TaskRequested", taskId),
      this.inputs.first("SeedCreated", taskId),
      this.inputs.first("PromptPrepared", taskId),
      this.inputs.first("CreatorAssigned", taskId),
      this.inputs.all("PoiSubmitted", taskId),
      this.inputs.all("Revealed", taskId),
      readSlots(tasks, taskId, task.k),
    ]);
    const scores = submissions.find((s) => s.resultHash === resultHash)?.scoresBps ?? [];
    const texts = new Map<number, string>();
    for (const r of reveals) if (r.inline) texts.set(r.slot, toUtf8String(r.data, Utf8ErrorFuncs.replace));
    // The consensus answer: the medoid scores highest; the first such slot with a readable text.
    let best = -1;
    for (let slot = 0; slot < task.k; slot++) {
      if (texts.has(slot) && (scores[slot] ?? 0) > 0 && (best < 0 || (scores[slot] ?? 0) > (scores[best] ?? 0)))
        best = slot;
    }
    const answer = texts.get(best);
    if (!prompt || answer === undefined) return undefined;
    const topic = request?.spec.promptUri ?? "";
    const topicId = findTopic(this.opts.topics, topic)?.id;
    return {
      taskId: taskId.toString(),
      block,
      modelId: task.modelId,
      topic,
      ...(topicId ? { topicId } : {}),
      seed: seed?.seed ?? "",
      prompt: prompt.prompt,
      answer,
      miners: slots.map((s, i) => ({ address: s.miner, scoreBps: scores[i] ?? 0 })),
      ...(creator ? { creator: creator.miner } : {}),
    };
  }
}
