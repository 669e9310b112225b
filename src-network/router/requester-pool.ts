import { MaxUint256, type Provider, type TransactionReceipt, type Wallet } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { connectProtocol, revertName, type ProtocolContracts } from "../../src-main/chain/contracts.js";
import { waitForReceipt } from "../../src-main/chain/provider.js";
import { decodeTaskLog, type TaskSpecView } from "../../src-main/miner/task-events.js";

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

  private readonly provider: Provider;

  constructor(
    wallets: readonly Wallet[],
    private readonly deployment: Pick<Deployment, "contracts">,
  ) {
    const provider = wallets[0]?.provider;
    if (!provider)
      throw new PouwError("INVALID_PARAMS", "the router needs at least one requester account, connected to a node");
    this.provider = provider;
    this.accounts = wallets.map((w) => ({
      address: w.address,
      c: connectProtocol(deployment, w),
      tail: Promise.resolve(),
      queued: 0,
    }));
  }

  /** Lets the task contract take payments from every account (once per account, ever). */
  async prepare(): Promise<void> {
    for (const a of this.accounts) {
      const allowance = await a.c.token.read("allowance", a.address, this.deployment.contracts.tasks);
      if (allowance < ALLOWANCE_FLOOR)
        await this.enqueue(a, () => a.c.token.send("approve", this.deployment.contracts.tasks, MaxUint256));
    }
  }

  /** Whether `address` is one of the paying accounts. */
  has(address: string): boolean {
    return this.accounts.some((a) => a.address.toLowerCase() === address.toLowerCase());
  }

  /**
   * Requests a paid user task, from `payer` when given (an API key's account), else from the least
   * busy account; resolves once mined, with the task id read from its receipt. The miners are drawn
   * by a second transaction (assign) in a later block: the request's own block hash seeds the draw,
   * so nobody can see it inside the request and revert. While nobody is idle the task waits in
   * Request and `tryAssign` retries.
   */
  async request(
    spec: TaskSpecView,
    payment: bigint,
    payer?: string,
  ): Promise<{ taskId: bigint; receipt: TransactionReceipt; requester: string }> {
    const a = payer
      ? this.accounts.find((x) => x.address.toLowerCase() === payer.toLowerCase())
      : this.accounts.reduce((best, x) => (x.queued < best.queued ? x : best));
    if (!a) throw new PouwError("INVALID_PARAMS", `${payer ?? "?"} is not one of this router's paying accounts`);
    const receipt = await this.enqueue(a, () => this.sendRequest(a, spec, payment));
    for (const log of receipt.logs) {
      const ev = decodeTaskLog(log);
      if (ev?.name !== "TaskRequested") continue;
      // Sent on the same account right behind the request: it lands in a later block.
      await this.enqueue(a, () => a.c.tasks.send("assign", ev.taskId)).catch(() => undefined);
      return { taskId: ev.taskId, receipt, requester: a.address };
    }
    throw new PouwError("CHAIN_ERROR", `requestTask in ${receipt.hash} emitted no TaskRequested`);
  }

  /**
   * Retries assignment of a task waiting in Request: "busy" while still nobody is idle, "moved"
   * when the task is no longer in Request (assigned meanwhile, or past its deadline).
   */
  async tryAssign(taskId: bigint): Promise<"assigned" | "busy" | "moved"> {
    const a = this.accounts[Number(taskId % BigInt(this.accounts.length))]!;
    try {
      // A call first: while every miner is busy it fails without costing a transaction.
      // "pending": the draw needs a block after the request's, which the next block is.
      await a.c.tasks.contract.getFunction("assign").staticCall(taskId, { blockTag: "pending" });
    } catch (err) {
      const name = revertName(err);
      return name === "WrongState" || name === "DeadlinePassed" ? "moved" : "busy";
    }
    // Another request (or another router) may take the idle miners first: then it still waits.
    const sent = await this.enqueue(a, () => a.c.tasks.send("assign", taskId)).then(
      () => true,
      () => false,
    );
    return sent ? "assigned" : "busy";
  }

  private async sendRequest(a: Requester, spec: TaskSpecView, payment: bigint): Promise<TransactionReceipt> {
    const fn = a.c.tasks.contract.getFunction("requestTask");
    try {
      const estimate = await fn.estimateGas(spec, payment);
      const gasLimit = (estimate * 3n) / 2n;
      const tx = (await fn.send(spec, payment, { gasLimit })) as { hash: string };
      const receipt = await waitForReceipt(this.provider, tx.hash);
      if (receipt.status !== 1) throw new PouwError("CHAIN_ERROR", `requestTask reverted in transaction ${tx.hash}`);
      return receipt;
    } catch (err) {
      if (err instanceof PouwError) throw err;
      throw new PouwError(
        "CHAIN_ERROR",
        `requestTask failed: ${revertName(err) ?? (err instanceof Error ? err.message.split("\n")[0] : String(err))}`,
        { cause: err },
      );
    }
  }

  private enqueue<T>(a: Requester, fn: () => Promise<T>): Promise<T> {
    a.queued++;
    const run = a.tail.then(fn).finally(() => a.queued--);
    a.tail = run.catch(() => undefined);
    return run;
  }
}
