import { getAddress, zeroPadValue, toBeHex } from "ethers";
import { describe, expect, it } from "vitest";
import {
  decodeTaskLog,
  eventKey,
  eventTopics,
  MINER_INDEXED_EVENTS,
  TASK_EVENT_NAMES,
  tasksInterface,
} from "../../src-main/miner/task-events.js";

const MINER = getAddress("0x00000000000000000000000000000000000000aa");
const OTHER = getAddress("0x00000000000000000000000000000000000000bb");
const HASH = `0x${"11".repeat(32)}`;

function logOf(name: string, args: unknown[], index = 0) {
  const ev = tasksInterface.getEvent(name)!;
  const { data, topics } = tasksInterface.encodeEventLog(ev, args);
  return { data, topics, blockNumber: 7, index, transactionHash: `0x${"ab".repeat(32)}` };
}

describe("decodeTaskLog", () => {
  it("decodes every PouwTasks event into its typed variant", () => {
    const spec = [HASH, HASH, "Once upon a time", 64, 700, 42n, 3, 2];
    const cases: Array<[string, unknown[], Record<string, unknown>]> = [
      [
        "TaskRequested",
        [5n, OTHER, HASH, false, spec, 10n ** 19n],
        { requester: OTHER, background: false, payment: 10n ** 19n },
      ],
      ["StateChanged", [5n, 3, 4, 1_000], { from: "Start", to: "Precommit", deadline: 1_000 }],
      ["CreatorAssigned", [5n, MINER, 2], { miner: MINER, topicIndex: 2 }],
      ["SeedCreated", [5n, MINER, HASH, "a cat"], { seed: "a cat", seedHash: HASH }],
      ["PromptPrepared", [5n, MINER, HASH, "Write"], { prompt: "Write" }],
      ["MinerAssigned", [5n, MINER, 1, 900], { miner: MINER, slot: 1, deadline: 900 }],
      ["Acked", [5n, MINER, 1], { slot: 1 }],
      ["Precommitted", [5n, MINER, 1, HASH], { commitment: HASH }],
      ["Revealed", [5n, MINER, 1, HASH, true, "0x6869"], { inline: true, data: "0x6869", outputHash: HASH }],
      ["SlotDropped", [5n, MINER, 1, 5], { during: "Commit" }],
      ["SlotReassigned", [5n, MINER, OTHER, 0], { oldMiner: MINER, newMiner: OTHER, slot: 0 }],
      ["PoiSubmitted", [5n, OTHER, HASH, [9_000, 0, 8_500]], { scoresBps: [9_000, 0, 8_500] }],
      ["PoiFinalized", [5n, HASH], { resultHash: HASH }],
      ["Credited", [5n, MINER, 123n, 3], { account: MINER, amount: 123n, kind: "creator" }],
    ];
    for (const [name, args, expected] of cases) {
      const ev = decodeTaskLog(logOf(name, args));
      expect(ev?.name).toBe(name);
      expect(ev && "taskId" in ev ? ev.taskId : undefined).toBe(5n);
      expect(ev).toMatchObject(expected);
    }
    const req = decodeTaskLog(logOf("TaskRequested", [5n, OTHER, HASH, false, spec, 1n]));
    expect(req?.name === "TaskRequested" && req.spec).toEqual({
      modelId: HASH,
      promptHash: HASH,
      promptUri: "Once upon a time",
      maxTokens: 64,
      temperatureMilli: 700,
      seed: 42n,
      k: 3,
      priority: 2,
    });
    expect(decodeTaskLog(logOf("Withdrawn", [MINER, 9n]))).toMatchObject({
      name: "Withdrawn",
      account: MINER,
      amount: 9n,
    });
  });

  it("returns undefined for logs of other contracts and keys replays alike", () => {
    const foreign = { topics: [`0x${"22".repeat(32)}`], data: "0x", blockNumber: 1, index: 0, transactionHash: HASH };
    expect(decodeTaskLog(foreign)).toBeUndefined();
    const a = decodeTaskLog(logOf("Acked", [1n, MINER, 0], 4))!;
    const b = decodeTaskLog(logOf("Acked", [1n, MINER, 0], 4))!;
    const c = decodeTaskLog(logOf("Acked", [1n, MINER, 0], 5))!;
    expect(eventKey(a.meta)).toBe(eventKey(b.meta));
    expect(eventKey(a.meta)).not.toBe(eventKey(c.meta));
  });

  it("miner-indexed events carry the miner as topic 2, so one filter finds all of ours", () => {
    expect(new Set(TASK_EVENT_NAMES).size).toBe(tasksInterface.fragments.filter((f) => f.type === "event").length);
    const minerTopic = zeroPadValue(MINER, 32).toLowerCase();
    const args: Record<string, unknown[]> = {
      CreatorAssigned: [1n, MINER, 0],
      MinerAssigned: [1n, MINER, 0, 1],
      Acked: [1n, MINER, 0],
      Precommitted: [1n, MINER, 0, HASH],
      Revealed: [1n, MINER, 0, HASH, true, "0x"],
      SlotDropped: [1n, MINER, 0, 3],
      Credited: [1n, MINER, 1n, 0],
    };
    const topics = eventTopics(MINER_INDEXED_EVENTS);
    for (const [i, name] of MINER_INDEXED_EVENTS.entries()) {
      const log = logOf(name, args[name]!);
      expect(log.topics[0]).toBe(topics[i]);
      expect(log.topics[1]).toBe(zeroPadValue(toBeHex(1n), 32));
      expect(log.topics[2]!.toLowerCase()).toBe(minerTopic);
    }
  });
});
