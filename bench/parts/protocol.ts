import fc from "fast-check";
import type { TransactionReceipt } from "ethers";
import { revert, snapshot } from "../../src-main/chain/provider.js";
import {
  ackAll,
  assignedMiners,
  precommitAll,
  requestUserTaskWithReceipt,
  revealAll,
  startChain,
  type Chain,
} from "../../test/chain/fixture.js";
import { actionArb, ProtocolModel } from "../../test/chain/protocol-actions.js";
import type { BenchPart, BenchRow } from "../types.js";
import { scaleRows } from "./protocol-scale.js";

const GOAL_GAS_PER_MINER_K3 = 150_000;
const OUTPUT_1KB = "Once upon a time, a little fox found a red ball in the tall grass. ".repeat(16).slice(0, 1024);
const PROPERTY_RUNS = Number(process.env.POUW_BENCH_PROPERTY_RUNS ?? 1000);

const gas = (rs: TransactionReceipt[]) => rs.reduce((s, r) => s + Number(r.gasUsed), 0);

async function gasForTask(chain: Chain, k: number): Promise<Record<string, number>> {
  // The requester's ERC-20 approve is its own cost, not the protocol's; requestTask and the
  // assign that draws its miners (a block later) count.
  const { taskId, receipt, assignReceipt } = await requestUserTaskWithReceipt(chain, chain.requesters[0]!, { k });
  const request = Number(receipt.gasUsed) + Number(assignReceipt?.gasUsed ?? 0);
  const runs = await assignedMiners(chain, taskId, () => OUTPUT_1KB);
  const ack = gas(await ackAll(taskId, runs));
  const precommit = gas(await precommitAll(taskId, runs));
  const reveal = gas(await revealAll(taskId, runs));
  const poi = gas([
    await chain.oracles[0]!.c.tasks.send(
      "submitPoi",
      taskId,
      runs.map(() => 9500),
    ),
  ]);
  const withdrawals: TransactionReceipt[] = [];
  for (const r of runs) withdrawals.push(await r.node.c.tasks.send("withdraw"));
  const withdraw = gas(withdrawals);
  const task = request + ack + precommit + reveal + poi;
  return { request: request, ack, precommit, reveal, poi, withdraw, task };
}

async function propertyRuns(chain: Chain, log: (line: string) => void): Promise<{ seconds: number; actions: number }> {
  const supply = await chain.owner.c.token.read("totalSupply");
  let actions = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.array(actionArb, { minLength: 5, maxLength: 30 }), async (list) => {
      const snap = await snapshot(chain.provider);
      try {
        const model = new ProtocolModel(chain);
        for (const a of list) await model.apply(a);
        await model.checkFunds(supply);
        actions += list.length;
      } finally {
        await revert(chain.provider, snap);
      }
    }),
    { numRuns: PROPERTY_RUNS },
  );
  const seconds = (performance.now() - started) / 1000;
  log(`property: ${PROPERTY_RUNS} runs, ${actions} actions in ${seconds.toFixed(0)} s`);
  return { seconds, actions };
}

export const protocolPart: BenchPart = {
  name: "protocol",
  description: "PoUW contracts on anvil: gas per transition (1 KB output) and the random-sequence property",
  async run(log) {
    const chain = await startChain({ miners: 7, oracles: 2, requesters: 1 });
    const rows: BenchRow[] = [];
    const notes = [
      "whole task gas = requestTask + assign + k acks + k precommits + k reveals (1 KB inline) + 1 PoI submission (quorum 1)",
      "miners withdraw after every task here, so each credit re-creates a zeroed balance slot (worst case)",
      "withdraw is pull-based and can batch many tasks, so it is reported separately",
    ];
    try {
      for (const k of [1, 3, 5]) {
        const g = await gasForTask(chain, k);
        log(
          `k=${k}: ${Object.entries(g)
            .map(([n, v]) => `${n} ${v}`)
            .join(", ")}`,
        );
        for (const step of ["request", "ack", "precommit", "reveal", "poi"] as const) {
          const perCall = step === "request" || step === "poi" ? g[step]! : g[step]! / k;
          rows.push({ metric: `k=${k} ${step} gas per call`, value: perCall, unit: "gas" });
        }
        // What each assigned miner pays for its own three transactions.
        const ownPerMiner = (g.ack! + g.precommit! + g.reveal!) / k;
        rows.push({
          metric: `k=${k} gas paid per miner (ack+precommit+reveal)`,
          value: ownPerMiner,
          unit: "gas",
          ...(k === 3 ? { goal: `≤ ${GOAL_GAS_PER_MINER_K3}`, pass: ownPerMiner <= GOAL_GAS_PER_MINER_K3 } : {}),
        });
        rows.push({ metric: `k=${k} whole task gas / k`, value: g.task! / k, unit: "gas" });
        rows.push({
          metric: `k=${k} whole task gas / k incl. withdraw`,
          value: (g.task! + g.withdraw!) / k,
          unit: "gas",
        });
      }
      const scale = await scaleRows(log);
      rows.push(...scale.rows);
      notes.push(...scale.notes);
      const p = await propertyRuns(chain, log);
      rows.push({
        metric: "property runs (funds, payout, forward)",
        value: PROPERTY_RUNS,
        unit: "runs",
        goal: "≥ 1000",
        pass: PROPERTY_RUNS >= 1000,
      });
      rows.push({ metric: "property time", value: p.seconds, unit: "s" });
      rows.push({ metric: "property actions", value: p.actions, unit: "actions" });
    } finally {
      await chain.stop();
    }
    return { rows, notes };
  },
};
