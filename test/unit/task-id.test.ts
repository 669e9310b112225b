import { describe, expect, it } from "vitest";
import { CREATOR_SLOT as MINER_CREATOR_SLOT } from "../../src-main/miner/records-store.js";
import { CREATOR_SLOT, parseTaskSlotId, taskIdLabel } from "../../src-shared/task-id.js";

describe("task ids as people read them", () => {
  it("names the creator's share instead of its slot number", () => {
    expect(taskIdLabel(`16#${CREATOR_SLOT}`)).toBe("16 · creator");
    expect(taskIdLabel("16#255")).not.toContain("255");
  });

  it("leaves a miner's slot as it is", () => {
    expect(taskIdLabel("16#0")).toBe("16#0");
    expect(taskIdLabel("16#2")).toBe("16#2");
    expect(taskIdLabel("not-an-id")).toBe("not-an-id");
  });

  it("parses ids and shares the creator slot with the miner's records", () => {
    expect(parseTaskSlotId("7#3")).toEqual({ taskId: "7", slot: 3 });
    expect(parseTaskSlotId("7")).toBeUndefined();
    expect(MINER_CREATOR_SLOT).toBe(CREATOR_SLOT);
  });
});
