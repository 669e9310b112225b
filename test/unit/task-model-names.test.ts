import { describe, expect, it } from "vitest";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { findTask, liveTasks, modelNamesById, withModelName } from "../../src-main/miner/task-queries.js";
import { TaskDetail, TaskSummary } from "../../src-shared/app-views.js";
import { TaskRecord } from "../../src-shared/task-record.js";

const record = (taskId: string, modelId: string) =>
  TaskRecord.parse({
    taskId,
    slot: 0,
    kind: "user",
    modelId,
    priority: 0,
    states: [{ state: "End", at: 100 }],
    reward: "1",
    gasSpent: "0",
  });

describe("task views name their model", () => {
  // Records carry the on-chain id: keccak256 of the model's on-chain name (the file's base name).
  const names = modelNamesById([{ onChain: "pouw-tiny-llama", label: "Tiny Llama" }, { onChain: "qwen-small" }]);

  it("maps on-chain ids (any hex case) to the catalogue's name, else the on-chain name", () => {
    expect(names.get(modelIdOf("pouw-tiny-llama"))).toBe("Tiny Llama");
    expect(names.get(modelIdOf("qwen-small"))).toBe("qwen-small");
    const upper = `0x${modelIdOf("qwen-small").slice(2).toUpperCase()}`;
    const row = withModelName(liveTasks([record("1", upper)])[0]!, names);
    expect(row.modelName).toBe("qwen-small");
    // The field is part of the contract: the strict schema keeps accepting the view.
    expect(TaskSummary.parse(row)).toEqual(row);
  });

  it("names the detail too, and leaves an unknown id without a name", () => {
    const records = [record("1", modelIdOf("pouw-tiny-llama")), record("2", modelIdOf("someone-elses-model"))];
    const detail = withModelName(findTask(records, "1#0"), names);
    expect(detail).toMatchObject({ modelId: modelIdOf("pouw-tiny-llama"), modelName: "Tiny Llama" });
    expect(TaskDetail.parse(detail)).toEqual(detail);
    expect(withModelName(findTask(records, "2#0"), names).modelName).toBeUndefined();
  });
});
