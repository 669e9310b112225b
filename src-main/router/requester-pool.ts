import { MaxUint256, type TransactionReceipt, type Wallet } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { connectProtocol, type ProtocolContracts } from "../chain/contracts.js";
import { decodeTaskLog } from "../miner/task-events.js";

export interface TaskSpecInput {
  modelId: string;
  promptHash: string;
  promptUri: string;
  maxTokens: number;
  temperatureMilli: number;
  seed: bigint;
  k: number;
  priority: number;
}

interface Requester {
  address: string;
  c: ProtocolContracts;
  /** Transactions of one account go one after another: each takes the next nonce. */
  tail: Promise<unknown>;
  queued: number;
}

// Below this allowance the pool approves again (an unlimited approve is never spent down in practice).
const ALLOWANCE_FLOOR = 10n ** 30n;

/**
 * The accounts that pay for user tasks. Requests are spread over them (least queued first) so
 * several requestTask transactions can be in flight at once, one per account.
 */
export class RequesterPool {
  private readonly accounts: Requester[];

  constructor(
    wallets: readonly Wallet[],
    private readonly deployment: Pick<Deployment, "contracts">,
  ) {
    if (wallets.length === 0) throw new PouwError("INVALID_PARAMS", "the router needs at least one requester account");
    this.accounts = wallets.map((w) => ({ address: w.address, c: connectProtocol(deployment, w), tail: Promise.resolve(), queued: 0 }));
  }

  /** Lets the task contract take payments from every account (once per account, ever). */
  async prepare(): Promise<void> {
    for (const a of this.accounts) {
      const allowance = await a.c.token.read<bigint>("allowance", a.address, this.deployment.contracts.tasks);
      if (allowance < ALLOWANCE_FLOOR) await this.enqueue(a, () => a.c.token.send("approve", this.deployment.contracts.tasks, MaxUint256));
    }
  }

  /** Requests a paid user task; resolves once mined, with the task id read from its receipt. */
  async request(spec: TaskSpecInput, payment: bigint): Promise<{ taskId: bigint; receipt: TransactionReceipt; requester: string }> {
    const a = this.accounts.reduce((best, x) => (x.queued < best.queued ? x : best));
    const receipt = await this.enqueue(a, () => a.c.tasks.send("requestTask", spec, payment));
    for (const log of receipt.logs) {
      const ev = decodeTaskLog(log);
      if (ev?.name === "TaskRequested") return { taskId: ev.taskId, receipt, requester: a.address };
    }
    throw new PouwError("CHAIN_ERROR", `requestTask in ${receipt.hash} emitted no TaskRequested`);
  }

  /** Retries assignment of a task waiting in Request; false when still nobody is idle. */
  async tryAssign(taskId: bigint): Promise<boolean> {
    const a = this.accounts[Number(taskId % BigInt(this.accounts.length))]!;
    try {
      // A call first: while every miner is busy it fails without costing a transaction.
      await a.c.tasks.contract.getFunction("assign").staticCall(taskId);
    } catch {
      return false;
    }
    await this.enqueue(a, () => a.c.tasks.send("assign", taskId)).catch(() => undefined);
    return true;
  }

  private enqueue<T>(a: Requester, fn: () => Promise<T>): Promise<T> {
    a.queued++;
    const run = a.tail.then(fn).finally(() => a.queued--);
    a.tail = run.catch(() => undefined);
    return run;
  }
}
