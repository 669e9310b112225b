import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDevnet } from "../../src-network/devnet/devnet.js";
import { datasetPaths } from "../../src-network/dataset/dataset-service.js";
import { readDataset } from "../../src-network/dataset/dataset-store.js";
import type { BenchPart } from "../types.js";

const PEERS = Number(process.env.POUW_BENCH_IDLE_PEERS) || 3;
const SECONDS = Number(process.env.POUW_BENCH_IDLE_S) || 120;

/**
 * Idle-time work: a devnet on the tiny model with no user requests, so every task is a background
 * task; for a fixed window it counts what the dataset collector kept and dropped as near-duplicates.
 */
export const idlePart: BenchPart = {
  name: "idle",
  description: `dataset records from idle miners: ${PEERS} peers on the tiny model, background demand only, ${SECONDS} s`,
  async run(log) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-bench-idle-"));
    const outcomes = { kept: 0, duplicate: 0 };
    const devnet = await startDevnet({
      dataDir,
      network: {
        peers: PEERS,
        router: false,
        background: { k: Math.min(3, PEERS), intervalMs: 1_000 },
        onLog: (line) => {
          const m = /^dataset: task \d+ (kept|duplicate)$/.exec(line);
          if (m) outcomes[m[1] as "kept" | "duplicate"]++;
        },
      },
      onProgress: (p) => p.stage === "services" && log(p.message ?? ""),
    }).catch(async (err: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    });
    try {
      log(`devnet up; collecting for ${SECONDS} s`);
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
    } finally {
      await devnet.stop();
    }
    const file = datasetPaths(dataDir).file;
    const { records } = await readDataset(file);
    const bytes = records.length > 0 ? (await stat(file)).size : 0;
    await rm(dataDir, { recursive: true, force: true });
    const settled = outcomes.kept + outcomes.duplicate;
    const hours = SECONDS / 3600;
    return {
      rows: [
        { metric: "background tasks settled with a readable answer", value: settled, unit: "tasks" },
        { metric: "records kept per hour per miner", value: records.length / hours / PEERS, unit: "records/h" },
        {
          metric: "share of records kept after near-duplicate drop",
          value: settled > 0 ? outcomes.kept / settled : 0,
          unit: "ratio",
        },
        { metric: "bytes per record (JSONL)", value: records.length > 0 ? bytes / records.length : 0, unit: "B" },
      ],
      notes: [
        `Tiny model (stories260K-class, written by the project), 1 thread per worker, ${os.availableParallelism()} cores shared by anvil, ${PEERS} peers, their workers and the oracle.`,
        "Topics are drawn on chain uniformly from the deployment's list (5 on the devnet); the catalogue's gap-filling choice needs the protocol change in docs/idle-work.md.",
      ],
    };
  },
};
