import { describe, expect, it } from "vitest";
import type { SlotView, TaskView } from "../../src-main/chain/task-views.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import { fittingEmbedder } from "../../src-network/oracle/fitting-embedder.js";
import { nextStep } from "../../src-network/oracle/oracle-decide.js";
import { scoreOutputs } from "../../src-network/oracle/oracle-poi.js";
import type { SlotStatus, TaskState } from "../../src-shared/pouw-states.js";

// Pure decisions and scoring: no chain needed, so these run in milliseconds.
const task = (state: TaskState, deadline: number, revealsClosed = false): TaskView => ({
  id: 7n,
  requester: "0x0000000000000000000000000000000000000001",
  state,
  outcome: state === "End" ? "Settled" : "Pending",
  background: false,
  k: 3,
  priority: 2,
  live: 3,
  progressed: 0,
  revealsClosed,
  escrow: 1n,
  deadline,
  modelId: "0x00",
});
const slots = (...statuses: SlotStatus[]): SlotView[] =>
  statuses.map((status) => ({
    miner: "0x0000000000000000000000000000000000000002",
    status,
    rank: 0,
    commitment: "0x01",
  }));

describe("nextStep", () => {
  it("waits until the latest block is past the deadline (the contract's strict >)", () => {
    expect(nextStep(task("Start", 100), slots("Assigned", "Acked", "Acked"), 100)).toEqual({ kind: "wait" });
    expect(nextStep(task("Request", 100), [], 101)).toEqual({ kind: "advance", action: "advance:Request:100" });
  });

  it("draws a task waiting in Request before its deadline (the draw needs a block after the request)", () => {
    expect(nextStep(task("Request", 100), [], 100)).toEqual({ kind: "assign" });
  });

  it("offers every stalled slot for reassignment, with advance as the fallback", () => {
    expect(nextStep(task("Precommit", 50), slots("Acked", "Precommitted", "Acked"), 51)).toEqual({
      kind: "reassign",
      slots: [
        { slot: 0, action: "reassign:0:50" },
        { slot: 2, action: "reassign:2:50" },
      ],
      advanceAction: "advance:Precommit:50",
    });
  });

  it("scores once reveals close, and advances (refund) once the PoI window has passed", () => {
    expect(nextStep(task("Commit", 80, true), [], 80)).toEqual({ kind: "poi", action: "poi" });
    expect(nextStep(task("Commit", 80, true), [], 81)).toEqual({ kind: "advance", action: "advance:Poi:80" });
    expect(nextStep(task("Commit", 80, false), [], 81)).toEqual({ kind: "advance", action: "advance:Commit:80" });
    expect(nextStep(task("End", 0), [], 1)).toEqual({ kind: "done" });
  });
});

describe("fittingEmbedder", () => {
  it("cuts a text to the longest prefix the embedder holds, and embeds texts that fit in one call", async () => {
    const inner = new BagOfWordsEmbedder(20);
    const fitting = fittingEmbedder(inner);
    const [short] = await fitting.embed(["a short text"]);
    expect(inner.calls).toBe(1);
    const [cut] = await fitting.embed(["alpha beta gamma delta epsilon zeta eta theta"]);
    // The longest prefix of at most 20 characters: "alpha beta gamma del".
    expect(cut).toEqual((await new BagOfWordsEmbedder().embed(["alpha beta gamma del"]))[0]);
    expect(short).toEqual((await new BagOfWordsEmbedder().embed(["a short text"]))[0]);
    await expect(inner.embed(["x".repeat(21)])).rejects.toThrow(/CONTEXT|longer than the embedding context/);
  });
});

describe("scoreOutputs", () => {
  it("agreeing outputs score 10000, an unrelated one low, a missing reveal 0; each distinct text is embedded once", async () => {
    const embedder = new BagOfWordsEmbedder();
    const same = "Lily saw a big red ball in the park.";
    const result = await scoreOutputs(embedder, [same, null, "Gluons confine quarks.", same]);
    expect(result.scoresBps[0]).toBe(10_000);
    expect(result.scoresBps[1]).toBe(0);
    expect(result.scoresBps[2]).toBeLessThan(3_000);
    expect(result.scoresBps[3]).toBe(10_000);
    expect(embedder.calls).toBe(1);
  });
});
