import { ZeroHash, type JsonRpcProvider } from "ethers";
import { toErrorShape } from "../../src-shared/errors.js";
import type { ProtocolContracts } from "../../src-main/chain/contracts.js";
import { readTask } from "../../src-main/chain/task-views.js";
import type { TxQueue } from "../../src-main/tx/tx-queue.js";
import { minerCensus } from "../../src-main/chain/miner-census.js";
import { ServedModels } from "../../src-main/chain/served-models.js";

export interface BackgroundDemandOptions {
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  /** The oracle's queue: requestBackgroundTask must come from a registered oracle. */
  queue: Pick<TxQueue, "send">;
  /** The devnet's own model (its peers'); always asked for. */
  modelId: string;
  /** With it, models other miners registered since this block are asked for too. */
  fromBlock?: number;
  /** Miners per background task, lowered to the idle miners there are (never below the pool's minimum). */
  k: number;
  intervalMs: number;
  onRequested?: (taskId: bigint) => void;
  onLog?: (line: string) => void;
}

/** A task this demand asked for that is not yet assigned holds back the next one for its model this long at most. */
const PENDING_HOLD_MS = 30_000;

/**
 * Background demand: while user requests are few (the pool's `lowDemandThreshold`) and idle miners
 * exist, asks the IncentivePool for a background task every `intervalMs`, within its epoch budget,
 * so idle miners keep earning. Each model registered miners serve gets its own task, and not
 * while the previous one for that model still waits for its creator: its k miners must be idle when
 * the prompt is ready, or the task is refunded and the budget spent for nothing.
 */
export class BackgroundDemand {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly models: ServedModels | undefined;
  private readonly pending = new Map<string, { taskId: bigint; at: number }>();

  constructor(private readonly opts: BackgroundDemandOptions) {
    if (opts.fromBlock !== undefined)
      this.models = new ServedModels(opts.contracts.nodePool, opts.fromBlock, [opts.modelId]);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.busy;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.busy = this.tick()
        .then(() => undefined)
        .catch((err: unknown) => this.opts.onLog?.(`background demand: ${toErrorShape(err).message}`))
        .finally(() => this.schedule(this.opts.intervalMs));
    }, delay);
  }

  /** One look: requests a task per served model when demand is low, the budget allows and its miners are idle. */
  async tick(): Promise<bigint[]> {
    const models = this.models ? await this.models.list() : [this.opts.modelId];
    const requested: bigint[] = [];
    for (const modelId of models) {
      const taskId = await this.tickModel(modelId);
      if (taskId !== undefined) requested.push(taskId);
    }
    return requested;
  }

  private async tickModel(modelId: string): Promise<bigint | undefined> {
    const { incentivePool, tasks } = this.opts.contracts;
    const [open, threshold, epoch, reward, budget] = await Promise.all([
      tasks.read("openUserTasks"),
      incentivePool.read("lowDemandThreshold"),
      incentivePool.read("currentEpoch"),
      incentivePool.read("rewardPerTask"),
      incentivePool.read("budgetPerEpoch"),
    ]);
    if (open > threshold) return undefined;
    // The pool pays only for approved (sha256-pinned) models, k >= its minimum, within budget.
    if ((await incentivePool.read("modelSha256", modelId)) === ZeroHash) return undefined;
    if ((await incentivePool.read("spentInEpoch", epoch)) + reward > budget) return undefined;
    if (await this.stillWaiting(modelId)) return undefined;
    const { idle } = await minerCensus(this.opts.contracts.nodePool, modelId);
    const minK = Number(await incentivePool.read("MIN_BACKGROUND_K"));
    const k = Math.max(minK, Math.min(this.opts.k, idle));
    if (idle < k) return undefined;
    const block = await this.opts.provider.getBlockNumber();
    const data = incentivePool.contract.interface.encodeFunctionData("requestBackgroundTask", [modelId, k]);
    // One request per model and block at most: the key names both.
    const action = modelId === this.opts.modelId ? `request:${block}` : `request:${block}:${modelId}`;
    const receipt = await this.opts.queue.send({ taskId: "background", action, to: incentivePool.address, data });
    const taskId = backgroundTaskId(this.opts.contracts, receipt.logs);
    if (taskId !== undefined) {
      this.pending.set(modelId, { taskId, at: Date.now() });
      this.opts.onRequested?.(taskId);
      this.opts.onLog?.(`background demand: requested task ${taskId} (k = ${k})`);
    }
    return taskId;
  }

  /** The last task asked for this model is still before Start (and not for long). */
  private async stillWaiting(modelId: string): Promise<boolean> {
    const last = this.pending.get(modelId);
    if (!last || Date.now() - last.at > PENDING_HOLD_MS) return false;
    const { state } = await readTask(this.opts.contracts.tasks, last.taskId);
    return state === "Request" || state === "Create" || state === "Prepare";
  }
}

function backgroundTaskId(
  contracts: ProtocolContracts,
  logs: ReadonlyArray<{ topics: readonly string[]; data: string; address: string }>,
): bigint | undefined {
  const iface = contracts.incentivePool.contract.interface;
  for (const log of logs) {
    if (log.address.toLowerCase() !== contracts.incentivePool.address.toLowerCase()) continue;
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "BackgroundRequested") return BigInt(parsed.args[0] as bigint);
  }
  return undefined;
}
