import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseEther } from "ethers";
import { createProvider } from "../../src-main/chain/provider.js";
import { outputHashOf } from "../../src-main/chain/task-views.js";
import { createMinerCore } from "../../test/helpers/miner-core.js";
import { devAccount, scoreWhenRevealed, type DevnetView } from "../../test/chain/devnet-tasks.js";
import type { BenchRow } from "../types.js";

const TASKS = 30;

interface Journaled {
  at: string;
  kind: string;
  taskId: string;
  action: string;
  data: Record<string, unknown>;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * The miner core as `pouw-miner headless` runs it on the embedded devnet (WebSocket heads, the
 * real worker on the tiny model, default intervals), fed TASKS user tasks one after another by a
 * requester, with the bench as the oracle. Times come from the miner's own fsync'd journal
 * (`at` of each record), against the moment the request was broadcast (anvil mines it at once).
 */
export async function measureTaskLatency(log: (line: string) => void): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-bench-miner-"));
  const core = await createMinerCore({
    dataDir,
    network: "devnet",
    devnetServices: false,
    password: "bench password",
    appVersion: "bench",
    scryptN: 2 ** 10,
    threads: 1,
  });
  const provider = createProvider(core.network.rpcUrl, { chainId: core.network.chainId });
  try {
    const net: DevnetView = {
      deployment: core.network.deployment,
      devAccounts: core.network.devAccounts ?? [],
      provider,
    };
    const requester = devAccount(net, "requester");
    const payment = parseEther("1");
    await requester.c.token.send("approve", net.deployment.contracts.tasks, payment * BigInt(TASKS));
    const journalFile = path.join(core.network.networkDir, "journal.jsonl");
    const ackIntent: number[] = [];
    const ackMined: number[] = [];
    const overhead: number[] = [];
    const inference: number[] = [];
    log(`${TASKS} user tasks through the miner core (devnet, WebSocket heads, worker on the tiny model)…`);
    for (let i = 0; i < TASKS; i++) {
      const prompt = `Once upon a time ${i}`;
      const spec = {
        modelId: core.modelId,
        promptHash: outputHashOf(prompt),
        promptUri: prompt,
        maxTokens: 32,
        temperatureMilli: 0,
        seed: i,
        k: 1,
        priority: 2,
      };
      const tx = (await requester.c.tasks.contract.getFunction("requestTask")(spec, payment)) as {
        wait(): Promise<unknown>;
      };
      const requestedAt = Date.now();
      await tx.wait();
      const taskId = await requester.c.tasks.read("taskCount");
      // The draw: a block after the request (the devnet's oracle may have sent it already).
      await requester.c.tasks.send("assign", taskId).catch(() => undefined);
      await scoreWhenRevealed(net, taskId, core.address);
      const id = taskId.toString();
      for (
        const deadline = Date.now() + 20_000;
        !core.getSnapshot().snapshot.tasks.some((t) => t.id === `${id}#0` && t.stage === "End");
      ) {
        if (Date.now() > deadline) throw new Error(`task ${id} did not reach End`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const records = (await readFile(journalFile, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Journaled)
        .filter((r) => r.taskId === id);
      const at = (action: string, kind: string) => {
        const r = records.find((x) => x.action === action && x.kind === kind);
        if (!r) throw new Error(`task ${id}: no ${kind} ${action} in the journal`);
        return Date.parse(r.at) - requestedAt;
      };
      const inferMs = Number(records.find((x) => x.action === "output")?.data.ms ?? Number.NaN);
      ackIntent.push(at("ack", "intent"));
      ackMined.push(at("ack", "confirmed"));
      inference.push(inferMs);
      overhead.push(at("reveal", "confirmed") - inferMs);
    }
    const p95Mined = percentile(ackMined, 95);
    return [
      { metric: "assignment → ack signed and journaled, p50", value: percentile(ackIntent, 50), unit: "ms" },
      { metric: "assignment → ack signed and journaled, p95", value: percentile(ackIntent, 95), unit: "ms" },
      { metric: "assignment → ack mined (seen by the miner), p50", value: percentile(ackMined, 50), unit: "ms" },
      {
        metric: "assignment → ack mined (seen by the miner), p95",
        value: p95Mined,
        unit: "ms",
        goal: "≤ 200 ms",
        pass: p95Mined <= 200,
      },
      { metric: "miner-side time per task beside inference, p50", value: percentile(overhead, 50), unit: "ms" },
      { metric: "miner-side time per task beside inference, p95", value: percentile(overhead, 95), unit: "ms" },
      { metric: "inference per task (32 tokens, tiny model), p50", value: percentile(inference, 50), unit: "ms" },
    ];
  } finally {
    provider.destroy();
    await core.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
