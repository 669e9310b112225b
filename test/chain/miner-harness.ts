import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { ErrorShape } from "../../src-shared/errors.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import { Journal } from "../../src-main/tx/journal.js";
import { TxQueue } from "../../src-main/tx/tx-queue.js";
import { FakeInference } from "../helpers/fake-inference.js";
import type { Inference } from "../../src-main/miner/inference.js";
import { MinerSync } from "../../src-main/miner/miner-sync.js";
import { RecordsStore } from "../../src-main/miner/records-store.js";
import { TaskEngine } from "../../src-main/miner/task-engine.js";
import type { SpeedProfile } from "../../src-main/scheduler/admission.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";
import { startChain, type Chain, type ChainOptions, type Node } from "./fixture.js";

/** One miner as the app runs it: journal + records on disk, TxQueue, engine, and its log syncs. */
export interface MinerRig {
  node: Node;
  dir: string;
  journal: Journal;
  records: RecordsStore;
  queue: TxQueue;
  engine: TaskEngine;
  sync: MinerSync;
  inference: FakeInference;
  errors: Array<{ taskId: string; error: ErrorShape }>;
  /** Every record the engine reported changed, in order. */
  changes: TaskRecord[];
}

export interface RigOptions {
  speedProfile?: SpeedProfile;
  inference?: FakeInference;
  /** Wraps the queue the engine sends through (used to simulate a crash mid-send). */
  wrapQueue?: (q: TxQueue) => Pick<TxQueue, "send" | "recover">;
}

export async function startRig(chain: Chain, node: Node, dir: string, opts: RigOptions = {}): Promise<MinerRig> {
  const journal = await Journal.open(path.join(dir, "journal.jsonl"));
  const records = await RecordsStore.open(path.join(dir, "records.json"));
  const queue = new TxQueue(node.wallet, chain.provider, journal, { pollMs: 20 });
  const inference = opts.inference ?? new FakeInference();
  const errors: MinerRig["errors"] = [];
  const changes: TaskRecord[] = [];
  const engine = new TaskEngine({
    address: node.address,
    contracts: node.c,
    provider: chain.provider,
    txQueue: opts.wrapQueue ? opts.wrapQueue(queue) : queue,
    inference: inference as Inference,
    journal,
    records,
    fromBlock: chain.deployment.deployedAtBlock,
    ...(opts.speedProfile ? { speedProfile: opts.speedProfile } : {}),
    onError: (taskId, error) => errors.push({ taskId, error }),
    onChange: (record) => changes.push(record),
  });
  const sync = new MinerSync({
    provider: chain.provider,
    tasksAddress: chain.deployment.contracts.tasks,
    miner: node.address,
    startBlock: chain.deployment.deployedAtBlock,
    cursors: { mine: memoryCursorStore(), taskWide: memoryCursorStore() },
    engine,
    pollMs: 100,
    pokeMs: 300,
  });
  await engine.recover();
  await sync.start();
  return { node, dir, journal, records, queue, engine, sync, inference, errors, changes };
}

export async function stopRig(rig: MinerRig): Promise<void> {
  await rig.sync.stop();
  // A rig whose journal a test "killed" never goes idle: give up waiting on it after a while.
  await Promise.race([rig.engine.idle(), new Promise((r) => setTimeout(r, 2_000))]);
  await rig.journal.close();
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface MinerChain {
  chain: Chain;
  dir: string;
  /** Rigs started for every miner (when asked), plus any a test pushes; all stopped at the end. */
  rigs: MinerRig[];
  rigOf(address: string): MinerRig;
}

/** Registers hooks that start a chain (and an engine per miner, if asked) for one test file. */
export function useMinerChain(opts: ChainOptions & { rigPerMiner: boolean }): MinerChain {
  const env = {
    rigs: [] as MinerRig[],
    rigOf(address: string) {
      const rig = env.rigs.find((r) => r.node.address === address);
      if (!rig) throw new Error(`no engine runs for ${address}`);
      return rig;
    },
  } as MinerChain;
  beforeAll(async () => {
    env.chain = await startChain(opts);
    env.dir = await mkdtemp(path.join(os.tmpdir(), "pouw-miner-"));
    if (opts.rigPerMiner)
      env.rigs.push(
        ...(await Promise.all(env.chain.miners.map((m, i) => startRig(env.chain, m, path.join(env.dir, `m${i}`))))),
      );
  });
  afterAll(async () => {
    for (const r of env.rigs) await stopRig(r).catch(() => undefined);
    await env.chain?.stop();
    if (env.dir) await rm(env.dir, { recursive: true, force: true });
  });
  return env;
}
