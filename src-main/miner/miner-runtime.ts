import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import type { Deployment } from "../../src-shared/deployment.js";
import type { ErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { ProtocolContracts } from "../chain/contracts.js";
import { Journal } from "../tx/journal.js";
import type { JournalFileLayer } from "../tx/journal-file.js";
import { crashHookFromEnv } from "../tx/test-crash.js";
import { TxQueue } from "../tx/tx-queue.js";
import type { Inference } from "../miner/inference.js";
import type { SpeedProfile } from "../scheduler/admission.js";
import { MinerSync } from "./miner-sync.js";
import { RecordsStore } from "./records-store.js";
import { TaskEngine } from "./task-engine.js";
import { fileCursorStore } from "../sync/cursor-store.js";
import type { MinerSigner } from "../wallet/open-wallet.js";

export interface MinerRuntimeOptions {
  networkDir: string;
  signer: MinerSigner;
  provider: JsonRpcProvider;
  deployment: Deployment;
  contracts: ProtocolContracts;
  inference: Inference;
  pollMs?: number;
  /** WebSocket URL: new heads arrive by subscription, polling is the fallback. */
  wsUrl?: string;
  /** The benchmark of the served model, for admission (declines what cannot finish in time). */
  speedProfile?: SpeedProfile;
  /** The mining gate: while it gives a reason, new assignments wait. */
  paused?: () => string | undefined;
  onChange(record: TaskRecord): void;
  onError(taskId: string, error: ErrorShape): void;
  onSyncError(err: unknown): void;
  /** The journal's file operations (tests put a disk that fills up here). */
  journalFiles?: JournalFileLayer;
}

/**
 * The miner's chain side over one network's folder: journal, records and sync cursors on disk, the
 * TxQueue and TaskEngine, and the MinerSync that feeds it. The sync starts and stops with mining;
 * the engine and its files live as long as the core.
 */
export class MinerRuntime {
  private sync: MinerSync | undefined;

  private constructor(
    private readonly opts: MinerRuntimeOptions,
    readonly journal: Journal,
    readonly records: RecordsStore,
    readonly engine: TaskEngine,
  ) {}

  static async open(opts: MinerRuntimeOptions): Promise<MinerRuntime> {
    const afterAppend = crashHookFromEnv();
    const journal = await Journal.open(path.join(opts.networkDir, "journal.jsonl"), {
      ...(afterAppend ? { afterAppend } : {}),
      ...(opts.journalFiles ? { files: opts.journalFiles } : {}),
    });
    try {
      const records = await RecordsStore.open(path.join(opts.networkDir, "records.json"));
      const queue = new TxQueue(opts.signer, opts.provider, journal);
      const engine = new TaskEngine({
        address: opts.signer.address,
        contracts: opts.contracts,
        provider: opts.provider,
        txQueue: queue,
        inference: opts.inference,
        journal,
        records,
        fromBlock: opts.deployment.deployedAtBlock,
        ...(opts.speedProfile ? { speedProfile: opts.speedProfile } : {}),
        ...(opts.paused ? { paused: opts.paused } : {}),
        onChange: opts.onChange,
        onError: opts.onError,
      });
      // Finish what a previous run journaled before anything new is sent.
      await engine.recover();
      return new MinerRuntime(opts, journal, records, engine);
    } catch (err) {
      await journal.close().catch(() => undefined);
      throw err;
    }
  }

  get syncing(): boolean {
    return this.sync !== undefined;
  }

  async startSync(): Promise<void> {
    if (this.sync) return;
    const o = this.opts;
    const sync = new MinerSync({
      provider: o.provider,
      tasksAddress: o.deployment.contracts.tasks,
      miner: o.signer.address,
      startBlock: o.deployment.deployedAtBlock,
      cursors: {
        mine: fileCursorStore(path.join(o.networkDir, "cursor-mine.json")),
        taskWide: fileCursorStore(path.join(o.networkDir, "cursor-tasks.json")),
      },
      engine: this.engine,
      ...(o.wsUrl ? { wsUrl: o.wsUrl } : {}),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs, pokeMs: Math.max(o.pollMs * 3, 300) } : {}),
      onError: o.onSyncError,
    });
    await sync.start();
    this.sync = sync;
  }

  async stopSync(): Promise<void> {
    const sync = this.sync;
    this.sync = undefined;
    await sync?.stop();
  }

  /** Stops the sync, lets the step in flight finish (bounded), and closes the journal. */
  async close(): Promise<void> {
    await this.stopSync();
    await Promise.race([this.engine.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await this.journal.close();
  }
}
