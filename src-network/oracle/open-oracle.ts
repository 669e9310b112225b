import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { ProtocolContracts } from "../../src-main/chain/contracts.js";
import { Journal } from "../../src-main/tx/journal.js";
import { TxQueue, type TxQueueOptions } from "../../src-main/tx/tx-queue.js";
import { fileCursorStore } from "../../src-main/sync/cursor-store.js";
import type { Embedder } from "./embedder.js";
import { fileOpenTasksStore } from "./open-tasks-store.js";
import { OracleNode, type OracleNodeOptions } from "./oracle-node.js";

export interface OpenOracleOptions {
  /** Folder for the oracle's journal, log cursor and open-task list; reused across restarts. */
  dir: string;
  signer: Wallet | HDNodeWallet;
  provider: JsonRpcProvider;
  contracts: ProtocolContracts;
  embedder: Embedder;
  startBlock: number;
  pollMs?: number;
  wsUrl?: string;
  txQueue?: TxQueueOptions;
  onError?: OracleNodeOptions["onError"];
}

export interface OpenedOracle {
  node: OracleNode;
  journal: Journal;
  queue: TxQueue;
  /** Stops the node and closes its journal. */
  close(): Promise<void>;
}

/** An oracle node over its files in `dir`: the same folder after a restart resumes where it was. */
export async function openOracle(opts: OpenOracleOptions): Promise<OpenedOracle> {
  const journal = await Journal.open(path.join(opts.dir, "oracle-journal.jsonl"));
  // Its transactions are independent (one per task and occurrence): sent without waiting for each
  // other to be mined, or a busy network's PoIs queue behind one receipt after another.
  const queue = new TxQueue(opts.signer, opts.provider, journal, { pipeline: true, ...opts.txQueue });
  const node = new OracleNode({
    address: opts.signer.address,
    contracts: opts.contracts,
    provider: opts.provider,
    txQueue: queue,
    journal,
    embedder: opts.embedder,
    cursor: fileCursorStore(path.join(opts.dir, "oracle-cursor.json")),
    openTasks: fileOpenTasksStore(path.join(opts.dir, "oracle-open-tasks.json")),
    startBlock: opts.startBlock,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  return {
    node,
    journal,
    queue,
    async close() {
      await node.stop();
      await journal.close();
    },
  };
}
