import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDevnet } from "../../src-network/devnet/devnet.js";
import { createDevnetRouterKey } from "../../src-network/devnet/router-service.js";
import { runLoad, type LoadReport } from "../../src-network/router/load.js";
import type { BenchPart, BenchRow } from "../types.js";

const PEERS = Number(process.env.POUW_BENCH_PEERS) || 20;
const REQUESTS = Number(process.env.POUW_BENCH_REQUESTS) || 200;
const CONCURRENCY = 20;
const GOAL_TPS = 20;

/**
 * The whole devnet end to end: 20 peer miners (each a process with its own worker, tiny model,
 * one thread), the oracle with worker embeddings, and the router; chat completions through the
 * router at k = 3 and at k = 1, measured by the load generator.
 */
export const networkPart: BenchPart = {
  name: "network",
  description: `devnet throughput and latency per state: ${PEERS} peer miners on the tiny model, requests through the router`,
  async run(log) {
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const k of [3, 1]) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-bench-network-"));
      const started = performance.now();
      const devnet = await startDevnet({
        dataDir,
        network: {
          peers: PEERS,
          background: false,
          router: { limits: { k, timeoutMs: 300_000 } },
          onLog: () => undefined,
        },
        onProgress: (p) => p.stage === "services" && log(p.message ?? ""),
      }).catch(async (err: unknown) => {
        await rm(dataDir, { recursive: true, force: true });
        throw err;
      });
      try {
        const startS = (performance.now() - started) / 1000;
        rows.push({
          metric: `k=${k}: devnet start from nothing with ${PEERS} peers, oracle, router`,
          value: startS,
          unit: "s",
        });
        const { key: apiKey } = await createDevnetRouterKey(devnet.info, {
          tasks: CONCURRENCY + REQUESTS,
          label: "bench",
        });
        await runLoad({ routerUrl: devnet.info.routerUrl!, apiKey, requests: CONCURRENCY, concurrency: CONCURRENCY });
        log(`k=${k}: warmed up; ${REQUESTS} requests, ${CONCURRENCY} at a time`);
        const r = await runLoad({
          routerUrl: devnet.info.routerUrl!,
          apiKey,
          requests: REQUESTS,
          concurrency: CONCURRENCY,
          maxTokens: 16,
        });
        rows.push(...reportRows(`k=${k}`, r));
        if (r.failed > 0)
          notes.push(
            `k=${k}: ${r.failed} requests failed: ${JSON.stringify(r.failures)}; first messages: ${JSON.stringify(r.failureMessages)}`,
          );
      } finally {
        await devnet.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
    notes.push(
      `All on one machine (${os.availableParallelism()} cores): anvil, ${PEERS} peer processes and their ${PEERS} workers, the oracle and its worker, the router and the load generator share the CPUs.`,
    );
    return { rows, notes };
  },
};

function reportRows(label: string, r: LoadReport): BenchRow[] {
  const rows: BenchRow[] = [
    {
      metric: `${label}: tasks per second end to end (${r.ok}/${r.requests} answered)`,
      value: r.tasksPerSecond,
      unit: "tasks/s",
      goal: `≥ ${GOAL_TPS}`,
      pass: r.tasksPerSecond >= GOAL_TPS,
    },
    { metric: `${label}: answer latency p50`, value: r.latencyMs.p50, unit: "ms" },
    { metric: `${label}: answer latency p90`, value: r.latencyMs.p90, unit: "ms" },
  ];
  for (const [state, p] of Object.entries(r.stateMs)) {
    if (state === "Request") continue;
    rows.push({ metric: `${label}: request → ${state} seen, p50`, value: p.p50, unit: "ms" });
    rows.push({ metric: `${label}: request → ${state} seen, p90`, value: p.p90, unit: "ms" });
  }
  return rows;
}
