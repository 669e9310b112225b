import type { JsonRpcProvider } from "ethers";
import { toErrorShape } from "../../src-shared/errors.js";
import type { ProtocolContracts } from "../chain/contracts.js";
import type { TxQueue } from "../engine/tx-queue.js";
import { minerCensus } from "../network/miner-census.js";

export interface BackgroundDemandOptions {
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  /** The oracle's queue: requestBackgroundTask must come from a registered oracle. */
  queue: Pick<TxQueue, "send">;
  modelId: string;
  /** Miners per background task, lowered to the idle miners there are. */
  k: number;
  intervalMs: number;
  onRequested?: (taskId: bigint) => void;
  onLog?: (line: string) => void;
}

/**
 * Background demand: while user requests are few (the pool's `lowDemandThreshold`) and idle miners
 * exist, asks the IncentivePool for a background task every `intervalMs`, within its epoch budget,
 * so idle miners keep earning.
 */
export class BackgroundDemand {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly opts: BackgroundDemandOptions) {}

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

  /** One look: requests a task when demand is low, the budget allows and miners are idle. */
  async tick(): Promise<bigint | undefined> {
    const { incentivePool, tasks } = this.opts.contracts;
    const [open, threshold, epoch, reward, budget] = await Promise.all([
      tasks.read<bigint>("openUserTasks"),
      incentivePool.read<bigint>("lowDemandThreshold"),
      incentivePool.read<bigint>("currentEpoch"),
      incentivePool.read<bigint>("rewardPerTask"),
      incentivePool.read<bigint>("budgetPerEpoch"),
    ]);
    if (open > threshold) return undefined;
    if ((await incentivePool.read<bigint>("spentInEpoch", epoch)) + reward > budget) return undefined;
    const { idle } = await minerCensus(this.opts.contracts.nodePool, this.opts.modelId);
    if (idle === 0) return undefined;
    const k = Math.min(this.opts.k, idle);
    const block = await this.opts.provider.getBlockNumber();
    const data = incentivePool.contract.interface.encodeFunctionData("requestBackgroundTask", [this.opts.modelId, k]);
    // One request per block at most: the key names the block it was decided at.
    const receipt = await this.opts.queue.send({ taskId: "background", action: `request:${block}`, to: incentivePool.address, data });
    const taskId = backgroundTaskId(this.opts.contracts, receipt.logs);
    if (taskId !== undefined) {
      this.opts.onRequested?.(taskId);
      this.opts.onLog?.(`background demand: requested task ${taskId} (k = ${k})`);
    }
    return taskId;
  }
}

function backgroundTaskId(contracts: ProtocolContracts, logs: ReadonlyArray<{ topics: readonly string[]; data: string; address: string }>): bigint | undefined {
  const iface = contracts.incentivePool.contract.interface;
  for (const log of logs) {
    if (log.address.toLowerCase() !== contracts.incentivePool.address.toLowerCase()) continue;
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "BackgroundRequested") return BigInt(parsed.args[0] as bigint);
  }
  return undefined;
}
