import {
  Transaction,
  formatEther,
  type JsonRpcProvider,
  type TransactionReceipt,
  type Wallet,
  type HDNodeWallet,
} from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { ActionState, Journal } from "./journal.js";
import { withRpcRetry } from "./rpc-retry.js";
import { bumpFees, maxCost, type Fees } from "./tx-fees.js";

export interface TxRequest {
  /** With `action`, names the transaction for the journal: one (taskId, action) is sent at most once. */
  taskId: string;
  action: string;
  to: string;
  data: string;
  value?: bigint;
  gasLimit?: bigint;
}

export interface TxQueueOptions {
  /** Replace a transaction not mined after this long with one paying more. */
  bumpAfterMs?: number;
  maxBumps?: number;
  bumpPercent?: number;
  pollMs?: number;
  /** Gas limit = estimate × (100 + margin) / 100. */
  gasMarginPercent?: number;
  /**
   * Broadcast the next transaction without waiting for the previous one to be mined (consecutive
   * nonces in flight, for an account sending many independent transactions, like the oracle's).
   * Only choosing the nonce, signing, journaling and broadcasting run one at a time.
   */
  pipeline?: boolean;
}

/**
 * One transaction queue per account. Every transaction is signed locally with an explicit nonce and
 * fees, and the signed bytes are journaled (fsync'd) BEFORE they are broadcast. Signatures are
 * deterministic, so after a crash at any instant the miner can rebroadcast exactly the transaction
 * it may already have sent: the same hash, never a second transaction for the same action.
 */
export class TxQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Pipelined sends under way by (taskId, action): asking again joins the one in flight. */
  private readonly inFlight = new Map<string, Promise<TransactionReceipt>>();

  constructor(
    private readonly signer: Wallet | HDNodeWallet,
    private readonly provider: JsonRpcProvider,
    private readonly journal: Journal,
    private readonly opts: TxQueueOptions = {},
  ) {}

  /** Sends (or finishes sending) one action; resolves with its receipt once mined. */
  send(req: TxRequest): Promise<TransactionReceipt> {
    if (!this.opts.pipeline) return this.exclusive(() => this.sendNow(req));
    const key = `${req.taskId}\u0000${req.action}`;
    const joined = this.inFlight.get(key);
    if (joined) return joined;
    const run = this.sendPipelined(req).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }

  /** Runs `fn` after everything queued before it, and before anything queued after it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Finishes every action a previous run journaled but did not see mined. Call once at start. */
  recover(): Promise<Array<{ taskId: string; action: string; receipt?: TransactionReceipt; abandoned?: string }>> {
    return this.exclusive(async () => {
      const pending = this.journal.pending().sort((a, b) => nonceOf(a) - nonceOf(b));
      const out = [];
      for (const state of pending)
        out.push({ taskId: state.taskId, action: state.action, ...(await this.finish(state)) });
      return out;
    });
  }

  /**
   * A new action's fees, gas estimate and funds check run side by side with other sends; the nonce is
   * taken, and the transaction signed, journaled and broadcast, in turn; the receipt is awaited
   * side by side again. An action the journal already has (done, or left by a crash) is finished
   * the one-at-a-time way.
   */
  private async sendPipelined(req: TxRequest): Promise<TransactionReceipt> {
    const journaled = () => this.journal.actions().some((a) => a.taskId === req.taskId && a.action === req.action);
    if (journaled()) return this.exclusive(() => this.sendNow(req));
    const draft = await this.build(req);
    const sent = await this.exclusive(async () => {
      if (journaled()) return undefined;
      // Transactions journaled since the draft was built hold the nonces it may have picked.
      draft.nonce = Math.max(draft.nonce, nextJournaledNonce(this.journal));
      const state = await this.journalIntent(req, draft);
      const attempt = attemptsOf(state, this.journal)[0]!;
      await this.broadcast(attempt.raw);
      return { state, attempt };
    });
    if (!sent) return this.exclusive(() => this.sendNow(req));
    const done = await this.settle(sent.state, [sent.attempt], 0);
    if (done.receipt) return done.receipt;
    throw new PouwError("CHAIN_ERROR", `${req.action} for task ${req.taskId} could not be sent: ${done.abandoned}`);
  }

  /** Signs `tx` and journals it as the action's intent (on disk before anything is broadcast). */
  private async journalIntent(req: TxRequest, tx: Transaction): Promise<ActionState> {
    const signed = await this.signer.signTransaction(tx);
    const hash = Transaction.from(signed).hash!;
    const intent = await this.journal.append({
      kind: "intent",
      taskId: req.taskId,
      action: req.action,
      data: { nonce: tx.nonce, hash, raw: signed, to: req.to },
    });
    return { taskId: req.taskId, action: req.action, intent };
  }

  private async sendNow(req: TxRequest): Promise<TransactionReceipt> {
    const existing = this.journal.actions().find((a) => a.taskId === req.taskId && a.action === req.action);
    if (existing?.confirmed) {
      const receipt = await this.receiptOf(String(existing.confirmed.data.hash));
      if (receipt) return receipt;
    }
    if (existing && !existing.abandoned && !existing.confirmed) {
      const done = await this.finish(existing);
      if (done.receipt) return done.receipt;
      throw new PouwError("CHAIN_ERROR", `${req.action} for task ${req.taskId} was abandoned: ${done.abandoned}`);
    }

    const state = await this.journalIntent(req, await this.build(req));
    const done = await this.finish(state);
    if (done.receipt) return done.receipt;
    throw new PouwError("CHAIN_ERROR", `${req.action} for task ${req.taskId} could not be sent: ${done.abandoned}`);
  }

  private async build(req: TxRequest): Promise<Transaction> {
    const address = this.signer.address;
    const [network, feeData, pendingNonce, balance] = await withRpcRetry(() =>
      Promise.all([
        this.provider.getNetwork(),
        this.provider.getFeeData(),
        this.provider.getTransactionCount(address, "pending"),
        this.provider.getBalance(address),
      ]),
    );
    const nonce = Math.max(pendingNonce, nextJournaledNonce(this.journal));
    let gasLimit = req.gasLimit;
    if (gasLimit === undefined) {
      const estimate = await withRpcRetry(() =>
        this.provider.estimateGas({ from: address, to: req.to, data: req.data, value: req.value ?? 0n }),
      ).catch((err: unknown) => {
        throw new PouwError("CHAIN_ERROR", `${req.action} would fail on chain: ${shortReason(err)}`);
      });
      gasLimit = (estimate * BigInt(100 + (this.opts.gasMarginPercent ?? 20))) / 100n;
    }
    const fees: Fees = {
      maxPriorityFeePerGas: feeData.maxPriorityFeePerGas ?? 1_000_000n,
      maxFeePerGas: feeData.maxFeePerGas ?? (feeData.gasPrice ?? 1_000_000_000n) * 2n,
    };
    const cost = maxCost(gasLimit, fees, req.value);
    if (balance < cost) {
      throw new PouwError(
        "INSUFFICIENT_FUNDS",
        `not enough ETH for ${req.action}: it may cost up to ${formatEther(cost)}, the wallet holds ${formatEther(balance)}`,
      );
    }
    return Transaction.from({
      type: 2,
      chainId: network.chainId,
      nonce,
      to: req.to,
      data: req.data,
      value: req.value ?? 0n,
      gasLimit,
      ...fees,
    });
  }

  /** Broadcasts the action's latest attempt (again, if needed), bumping fees while it is stuck. */
  private async finish(state: ActionState): Promise<{ receipt?: TransactionReceipt; abandoned?: string }> {
    const attempts = attemptsOf(state, this.journal);
    const latest = attempts.at(-1);
    if (!latest) return { abandoned: "nothing was journaled" };
    for (const a of attempts) {
      const receipt = await this.receiptOf(a.hash);
      if (receipt) return { receipt: await this.confirm(state, receipt) };
    }
    const chainNonce = await withRpcRetry(() => this.provider.getTransactionCount(this.signer.address, "latest"));
    if (chainNonce > latest.tx.nonce) {
      // Mined between the receipt checks above and now?
      for (const a of attempts) {
        const receipt = await this.receiptOf(a.hash);
        if (receipt) return { receipt: await this.confirm(state, receipt) };
      }
      const reason = `nonce ${latest.tx.nonce} was used by another transaction from this wallet`;
      await this.journal.append({ kind: "abandoned", taskId: state.taskId, action: state.action, data: { reason } });
      return { abandoned: reason };
    }
    await this.broadcast(latest.raw);
    return this.settle(state, attempts, attempts.length - 1);
  }

  /** Waits for any attempt of a broadcast action to be mined, bumping fees while it is stuck. */
  private async settle(
    state: ActionState,
    attempts: Attempt[],
    bumpsSoFar: number,
  ): Promise<{ receipt?: TransactionReceipt; abandoned?: string }> {
    let current = attempts.at(-1)!;
    let bumps = bumpsSoFar;
    for (;;) {
      const receipt = await this.waitForAny(
        attempts.map((a) => a.hash),
        this.opts.bumpAfterMs ?? 30_000,
      );
      if (receipt) return { receipt: await this.confirm(state, receipt) };
      if (bumps >= (this.opts.maxBumps ?? 5)) continue; // keep waiting at the highest fee offered
      const feeData = await withRpcRetry(() => this.provider.getFeeData());
      const fees = bumpFees(
        feesOf(current.tx),
        {
          maxFeePerGas: feeData.maxFeePerGas ?? undefined,
          maxPriorityFeePerGas: feeData.maxPriorityFeePerGas ?? undefined,
        },
        this.opts.bumpPercent,
      );
      const replacement = current.tx.clone();
      replacement.signature = null;
      replacement.maxFeePerGas = fees.maxFeePerGas;
      replacement.maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
      const raw = await this.signer.signTransaction(replacement);
      const hash = Transaction.from(raw).hash!;
      await this.journal.append({
        kind: "sent",
        taskId: state.taskId,
        action: state.action,
        data: { nonce: replacement.nonce, hash, raw, bump: ++bumps },
      });
      current = { hash, raw, tx: Transaction.from(raw) };
      attempts.push(current);
      await this.broadcast(raw);
    }
  }

  private async broadcast(raw: string): Promise<void> {
    try {
      await withRpcRetry(() => this.provider.broadcastTransaction(raw));
    } catch (err) {
      // Already in the pool or already mined: the receipt poll settles it either way.
      if (/already known|nonce too low|NONCE_EXPIRED|replacement transaction underpriced/i.test(String(err))) return;
      throw new PouwError("CHAIN_ERROR", `broadcast failed: ${shortReason(err)}`);
    }
  }

  private async waitForAny(hashes: string[], timeoutMs: number): Promise<TransactionReceipt | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const h of hashes) {
        const receipt = await this.receiptOf(h);
        if (receipt) return receipt;
      }
      if (Date.now() >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 100));
    }
  }

  private receiptOf(hash: string): Promise<TransactionReceipt | null> {
    return withRpcRetry(() => this.provider.getTransactionReceipt(hash));
  }

  private async confirm(state: ActionState, receipt: TransactionReceipt): Promise<TransactionReceipt> {
    await this.journal.append({
      kind: "confirmed",
      taskId: state.taskId,
      action: state.action,
      data: {
        hash: receipt.hash,
        block: receipt.blockNumber,
        status: receipt.status,
        gasUsed: receipt.gasUsed.toString(),
        gasPrice: receipt.gasPrice.toString(),
      },
    });
    return receipt;
  }
}

interface Attempt {
  hash: string;
  raw: string;
  tx: Transaction;
}

/** Every signed attempt for one action, oldest first, from its journal records. */
function attemptsOf(state: ActionState, journal: Journal): Attempt[] {
  return journal
    .all()
    .filter(
      (r) =>
        r.taskId === state.taskId &&
        r.action === state.action &&
        (r.kind === "intent" || r.kind === "sent") &&
        typeof r.data.raw === "string",
    )
    .map((r) => ({ hash: String(r.data.hash), raw: String(r.data.raw), tx: Transaction.from(String(r.data.raw)) }));
}

/**
 * The nonce after every one this queue journaled for a transaction still pending (0 when none).
 * Confirmed and abandoned ones are behind the chain's own count — unless the chain was rewound
 * and lost them, and then the chain's count is the one to follow (a gap would never be mined).
 */
function nextJournaledNonce(journal: Journal): number {
  const journaled = journal
    .pending()
    .map(nonceOf)
    .filter((n) => n >= 0);
  return journaled.length ? Math.max(...journaled) + 1 : 0;
}

function nonceOf(state: ActionState | { intent?: { data: Record<string, unknown> } }): number {
  const n = state.intent?.data.nonce;
  return typeof n === "number" ? n : -1;
}

function feesOf(tx: Transaction): Fees {
  return { maxFeePerGas: tx.maxFeePerGas ?? 0n, maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? 0n };
}

function shortReason(err: unknown): string {
  const e = err as { shortMessage?: string; reason?: string; message?: string };
  return (e.reason ?? e.shortMessage ?? e.message ?? String(err)).split("\n")[0]!;
}
