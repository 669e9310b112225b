import { WebSocketProvider, type JsonRpcProvider, type Log } from "ethers";
import { coalescedRunner, type CoalescedRunner } from "./coalesced-runner.js";
import { LogRange } from "./log-range.js";
import type { CursorStore, SyncCursor } from "./cursor-store.js";

export interface LogSyncOptions {
  /** HTTP provider: getLogs, block lookups, and the polling fallback. */
  provider: JsonRpcProvider;
  /** When set, new heads arrive by subscription; polling takes over whenever it is down. */
  wsUrl?: string;
  addresses: string[];
  /** Topic filter as in eth_getLogs (e.g. [[eventA, eventB], null, minerTopic]). */
  topics?: Array<string | string[] | null>;
  cursor: CursorStore;
  /** First block that can hold relevant logs (the deployment block). */
  startBlock: number;
  /** Logs are delivered once they are this many blocks deep. */
  confirmations?: number;
  /** Largest block range per getLogs call (default 2,000); smaller while a provider refuses it (log-range.ts). */
  maxRange?: number;
  pollMs?: number;
  /** Delivered in chain order, at least once: handlers must be idempotent. */
  onLogs(logs: Log[]): Promise<void>;
  /** Blocks from `fromBlock` on were replaced; their logs will be delivered again. */
  onReorg?(fromBlock: number): Promise<void>;
  onError?(err: unknown): void;
}

const CHECKPOINTS = 64;

/**
 * ethers' SocketSubscriber keeps the promise of its eth_subscribe call without a rejection handler,
 * so destroying the provider while that call is in flight (stop() soon after start, a dropped
 * socket) is an unhandled rejection, which ends a Node process. Once destroyed nobody waits on the
 * answer: ours then never settles instead of rejecting.
 */
class QuietWebSocketProvider extends WebSocketProvider {
  override send(method: string, params: unknown[] | Record<string, unknown>): Promise<unknown> {
    const sent = super.send(method, params);
    if (method !== "eth_subscribe") return sent;
    return sent.catch((err: unknown) => (this.destroyed ? new Promise(() => undefined) : Promise.reject(err)));
  }
}

/**
 * Follows contract events: a subscription first, polling as the fallback, and always a getLogs
 * catch-up from the cursor to the confirmed head — so a restart, a dropped socket or a sleeping
 * laptop is just a longer catch-up, never a missed event.
 */
export class LogSync {
  private running = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private ws: WebSocketProvider | undefined;
  private lastWsBlockAt = 0;
  private readonly range: LogRange;

  constructor(private readonly opts: LogSyncOptions) {
    this.range = new LogRange(opts.maxRange ?? 2_000);
  }

  /** Blocks per getLogs call now (the provider's limits shrink it; successes grow it back). */
  get rangeSize(): number {
    return this.range.size;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.syncNow();
    this.subscribe();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.pollTimer);
    const ws = this.ws;
    this.ws = undefined;
    await ws?.destroy();
    await this.syncNow.idle();
  }

  /** Catches up to the confirmed head now; concurrent calls coalesce into one more pass. */
  readonly syncNow: CoalescedRunner = coalescedRunner(() => this.catchUp(), {
    keepGoing: () => this.running,
    onError: (err) => this.opts.onError?.(err),
  });

  private async catchUp(): Promise<void> {
    const { provider } = this.opts;
    const head = await provider.getBlockNumber();
    const safe = head - (this.opts.confirmations ?? 0);
    let cursor = await this.checkReorg(await this.opts.cursor.load());
    let from = cursor ? cursor.block + 1 : this.opts.startBlock;
    while (from <= safe) {
      const to = Math.min(safe, from + this.range.size - 1);
      let logs: Log[];
      try {
        logs = await provider.getLogs({
          address: this.opts.addresses,
          topics: this.opts.topics,
          fromBlock: from,
          toBlock: to,
        });
      } catch (err) {
        const retry = this.range.limited(err);
        if (!retry) throw err;
        // The same blocks again, in a smaller range (after a pause when rate-limited).
        if (retry.retryInMs > 0) await new Promise((resolve) => setTimeout(resolve, retry.retryInMs));
        continue;
      }
      this.range.succeeded();
      if (logs.length > 0) await this.opts.onLogs(logs);
      const block = await provider.getBlock(to);
      if (!block?.hash) return; // the node moved under us; the next pass retries from here
      cursor = {
        block: to,
        checkpoints: [{ block: to, hash: block.hash }, ...(cursor?.checkpoints ?? [])].slice(0, CHECKPOINTS),
      };
      await this.opts.cursor.save(cursor);
      from = to + 1;
    }
  }

  /** If the chain no longer has our latest checkpoint, rewinds to the newest one it still has. */
  private async checkReorg(cursor: SyncCursor | undefined): Promise<SyncCursor | undefined> {
    if (!cursor) return undefined;
    for (let i = 0; i < cursor.checkpoints.length; i++) {
      const cp = cursor.checkpoints[i]!;
      const block = await this.opts.provider.getBlock(cp.block);
      if (block?.hash === cp.hash) {
        if (i === 0) return cursor;
        const rewound = { block: cp.block, checkpoints: cursor.checkpoints.slice(i) };
        await this.opts.cursor.save(rewound);
        await this.opts.onReorg?.(cp.block + 1);
        return rewound;
      }
    }
    // Deeper than every checkpoint: start over; idempotent handlers make that safe.
    await this.opts.cursor.save({ block: Math.max(0, this.opts.startBlock - 1), checkpoints: [] });
    await this.opts.onReorg?.(this.opts.startBlock);
    return undefined;
  }

  private subscribe(): void {
    if (!this.opts.wsUrl || !this.running) return;
    try {
      const ws = new QuietWebSocketProvider(this.opts.wsUrl);
      this.ws = ws;
      void ws.on("block", () => {
        this.lastWsBlockAt = Date.now();
        void this.syncNow();
      });
      const socket = ws.websocket as unknown as { onclose?: (() => void) | null; onerror?: (() => void) | null };
      const drop = () => {
        if (this.ws !== ws) return;
        this.ws = undefined;
        void ws.destroy().catch(() => undefined);
        // Try the subscription again later; polling covers the gap meanwhile.
        if (this.running) setTimeout(() => this.subscribe(), 2_000).unref();
      };
      socket.onclose = drop;
      socket.onerror = drop;
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private schedulePoll(): void {
    if (!this.running) return;
    const pollMs = this.opts.pollMs ?? 2_000;
    // poll() cannot reject: syncNow hands its errors to onError.
    this.pollTimer = setTimeout(() => void this.poll(pollMs), pollMs);
    this.pollTimer.unref();
  }

  /** One poll, then the next is scheduled. */
  private async poll(pollMs: number): Promise<void> {
    // While the subscription delivers heads, polling stays quiet.
    const subscribed = this.ws !== undefined && Date.now() - this.lastWsBlockAt < pollMs * 3;
    if (!subscribed) await this.syncNow();
    this.schedulePoll();
  }
}
