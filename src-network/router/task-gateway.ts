import { randomInt } from "node:crypto";
import type { JsonRpcProvider } from "ethers";
import type { GatewayLimits } from "../../src-shared/network-host-contract.js";
import type { PouwReceipt } from "../../src-shared/router-contract.js";
import type { ProtocolContracts } from "../../src-main/chain/contracts.js";
import { modelIdOf, outputHashOf } from "../../src-main/chain/task-views.js";
import { minerCensus } from "../../src-main/chain/miner-census.js";
import type { ApiKeyGrant } from "./api-keys.js";
import type { RequesterPool } from "./requester-pool.js";
import { routerErrors } from "./router-error.js";
import type { TaskTrace, TaskWatch } from "./task-watch.js";

export type { GatewayLimits } from "../../src-shared/network-host-contract.js";

export interface InferenceAsk {
  model: string;
  prompt: string;
  maxTokens?: number | null | undefined;
  temperature?: number | null | undefined;
  seed?: number | null | undefined;
  /** Who pays: the API key's account, within its spending limit. */
  payer?: ApiKeyGrant;
}

export interface InferenceAnswer {
  text: string;
  pouw: PouwReceipt;
}

const MINERS_CACHE_MS = 2_000;

/**
 * Turns one inference request into one paid user task and waits for the network's answer: the
 * revealed output of the slot PoI scored highest (the medoid of the k outputs).
 */
export class TaskGateway {
  private readonly modelIds: Map<string, string>;
  private minersCache = new Map<string, { count: number; at: number }>();
  /** Our tasks not yet past Request, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<bigint>();
  private assigning = false;

  constructor(
    private readonly opts: {
      models: readonly string[];
      provider: JsonRpcProvider;
      contracts: ProtocolContracts;
      requesters: RequesterPool;
      watch: TaskWatch;
      limits: GatewayLimits;
    },
  ) {
    this.modelIds = new Map(opts.models.map((m) => [m, modelIdOf(m)]));
  }

  /**
   * While every miner is busy a task waits in Request, and nobody else retries assign()
   * (docs/oracle.md): call this when miners may have become free (a task ended) and on a timer.
   * Oldest first, and it stops at the first task that still finds no idle miners.
   */
  async assignWaiting(): Promise<void> {
    if (this.assigning) return;
    this.assigning = true;
    try {
      for (const taskId of [...this.waiting]) {
        if (!this.waiting.has(taskId)) continue;
        const result = await this.opts.requesters.tryAssign(taskId);
        if (result === "busy") break;
        this.waiting.delete(taskId);
        if (result === "assigned") this.opts.watch.poke();
      }
    } finally {
      this.assigning = false;
    }
  }

  get models(): readonly string[] {
    return [...this.modelIds.keys()];
  }

  async infer(ask: InferenceAsk, signal?: AbortSignal): Promise<InferenceAnswer> {
    const started = Date.now();
    const { limits } = this.opts;
    const modelId = this.modelIds.get(ask.model);
    if (!modelId) throw routerErrors.unknownModel(ask.model, this.models);
    if (ask.payer && !this.opts.requesters.has(ask.payer.account)) {
      throw routerErrors.forbidden(
        `key ${ask.payer.id} pays from ${ask.payer.account}, which is not one of this router's paying accounts`,
      );
    }
    const maxTokens = ask.maxTokens ?? limits.defaultMaxTokens;
    if (maxTokens > limits.maxTokens) {
      throw routerErrors.tooManyTokens(
        `max_tokens is ${maxTokens}; this network answers at most ${limits.maxTokens} tokens`,
        "max_tokens",
      );
    }
    if (ask.prompt.length > limits.maxPromptChars) {
      throw routerErrors.tooManyTokens(
        `the prompt has ${ask.prompt.length} characters; this network takes at most ${limits.maxPromptChars}`,
        "messages",
      );
    }
    const miners = await this.activeMiners(modelId);
    if (miners === 0) throw routerErrors.noMiners(ask.model);
    const k = Math.min(limits.k, miners);

    const spec = {
      modelId,
      promptHash: outputHashOf(ask.prompt),
      promptUri: ask.prompt,
      maxTokens,
      temperatureMilli: Math.round((ask.temperature ?? 0) * 1000),
      seed: BigInt(ask.seed ?? randomInt(2 ** 31)),
      k,
      priority: limits.priority,
    };
    const { taskId } = await this.paid(ask.payer, () =>
      this.opts.requesters.request(spec, limits.payment, ask.payer?.account),
    );
    this.opts.watch.poke();
    const trace = await this.waitForEnd(taskId, started, signal);
    try {
      return answerOf(trace, k, started);
    } finally {
      this.opts.watch.release(taskId);
    }
  }

  private async waitForEnd(taskId: bigint, started: number, signal?: AbortSignal): Promise<TaskTrace> {
    const timeout = AbortSignal.timeout(this.opts.limits.timeoutMs);
    const stop = signal ? AbortSignal.any([timeout, signal]) : timeout;
    this.waiting.add(taskId);
    try {
      const trace = await this.opts.watch.untilEnd(taskId, stop, (t) => {
        if (t && t.states.some((s) => s.state !== "Request")) this.waiting.delete(taskId);
      });
      if (trace) return trace;
    } finally {
      this.waiting.delete(taskId);
    }
    const seen = this.opts.watch.trace(taskId)?.states.at(-1)?.state ?? "Request";
    this.opts.watch.release(taskId);
    throw routerErrors.deadline(
      `task ${taskId} did not finish within ${Math.round((Date.now() - started) / 1000)} s (last state seen: ${seen})`,
    );
  }

  /** Runs `request` with the payment held against the key's limit; counted once the task is on chain. */
  private async paid<T>(payer: ApiKeyGrant | undefined, request: () => Promise<T>): Promise<T> {
    if (!payer) return request();
    let hold;
    try {
      hold = payer.reserve(this.opts.limits.payment);
    } catch (err) {
      throw routerErrors.quota(err instanceof Error ? err.message : String(err));
    }
    let result: T;
    try {
      result = await request();
    } catch (err) {
      hold.release();
      throw err;
    }
    // The spend is counted in memory at once; a failed save only loses it across a restart.
    await hold.commit().catch(() => undefined);
    return result;
  }

  /** Active, staked miners registered for the model, busy or not (cached briefly). */
  private async activeMiners(modelId: string): Promise<number> {
    const hit = this.minersCache.get(modelId);
    if (hit && Date.now() - hit.at < MINERS_CACHE_MS) return hit.count;
    const { active: count } = await minerCensus(this.opts.contracts.nodePool, modelId);
    this.minersCache.set(modelId, { count, at: Date.now() });
    return count;
  }
}

function answerOf(trace: TaskTrace, k: number, started: number): InferenceAnswer {
  const result = trace.finalized ? trace.poi.get(trace.finalized) : undefined;
  if (!result) {
    throw routerErrors.deadline(
      `task ${trace.taskId} ended without a Proof-of-Inference result (deadlines passed; the payment was refunded)`,
    );
  }
  let best = -1;
  for (const [slot] of trace.reveals) {
    if (
      best < 0 ||
      (result.scoresBps[slot] ?? 0) > (result.scoresBps[best] ?? 0) ||
      ((result.scoresBps[slot] ?? 0) === (result.scoresBps[best] ?? 0) && slot < best)
    )
      best = slot;
  }
  if (best < 0) throw routerErrors.deadline(`task ${trace.taskId} ended with no revealed output`);
  return {
    text: trace.reveals.get(best) ?? "",
    pouw: {
      taskId: trace.taskId.toString(),
      k,
      states: trace.states.map((s) => ({
        state: s.state,
        txHash: s.txHash,
        block: s.block,
        ms: Math.max(0, s.atMs - started),
      })),
      consensusSlot: best,
      scoresBps: result.scoresBps,
      poiTxHash: result.txHash,
    },
  };
}
