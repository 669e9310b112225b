import type { EventLog, Log } from "ethers";
import type { NodePool } from "./contracts.js";

/**
 * The model ids registered miners serve, from the node pool's NodeRegistered events, each look
 * reading only the blocks since the last one. Background demand asks for work for every one of
 * them, so a miner serving some other model than the devnet's peers still gets tasks.
 */
export class ServedModels {
  private readonly seen = new Set<string>();
  private next: number;

  constructor(
    private readonly nodePool: NodePool,
    fromBlock: number,
    initial: readonly string[] = [],
  ) {
    this.next = fromBlock;
    for (const m of initial) this.seen.add(m.toLowerCase());
  }

  /** Every model id seen so far, in the order first seen. */
  async list(): Promise<string[]> {
    const provider = this.nodePool.contract.runner?.provider;
    if (provider) {
      const head = await provider.getBlockNumber();
      if (head >= this.next) {
        const filter = this.nodePool.contract.filters.NodeRegistered!();
        const logs: Array<EventLog | Log> = await this.nodePool.contract.queryFilter(filter, this.next, head);
        for (const log of logs) {
          if (!("args" in log)) continue;
          for (const m of log.args.models as readonly string[]) this.seen.add(m.toLowerCase());
        }
        this.next = head + 1;
      }
    }
    return [...this.seen];
  }
}
