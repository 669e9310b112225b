import { describe, expect, it } from "vitest";
import { Deployment } from "../../src-shared/deployment.js";
import { commitmentOf, modelIdOf, outputHashOf } from "../../src-main/chain/task-views.js";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const valid = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  contracts: { token: addr(1), nodePool: addr(2), tasks: addr(3), incentivePool: addr(4) },
  version: 1,
  deployedAtBlock: 1,
};

describe("Deployment (deployment.json)", () => {
  it("accepts a complete deployment and rejects a malformed address or a missing contract", () => {
    expect(Deployment.parse(valid)).toEqual(valid);
    expect(Deployment.safeParse({ ...valid, contracts: { ...valid.contracts, tasks: "0x1234" } }).success).toBe(false);
    const { incentivePool: _omit, ...partial } = valid.contracts;
    expect(Deployment.safeParse({ ...valid, contracts: partial }).success).toBe(false);
  });
});

describe("commitment helpers", () => {
  it("bind the output, the salt, the miner, the task, the slot and the deployment", () => {
    const salt = `0x${"11".repeat(32)}`;
    const scope = { tasks: addr(9), taskId: 1n, slot: 0, miner: addr(5) };
    const base = commitmentOf(scope, outputHashOf("a story"), salt);
    expect(base).toMatch(/^0x[0-9a-f]{64}$/);
    expect(commitmentOf(scope, outputHashOf("a story!"), salt)).not.toBe(base);
    expect(commitmentOf(scope, outputHashOf("a story"), `0x${"22".repeat(32)}`)).not.toBe(base);
    expect(commitmentOf({ ...scope, miner: addr(6) }, outputHashOf("a story"), salt)).not.toBe(base);
    expect(commitmentOf({ ...scope, taskId: 2n }, outputHashOf("a story"), salt)).not.toBe(base);
    expect(commitmentOf({ ...scope, slot: 1 }, outputHashOf("a story"), salt)).not.toBe(base);
    expect(commitmentOf({ ...scope, tasks: addr(8) }, outputHashOf("a story"), salt)).not.toBe(base);
    expect(modelIdOf("stories260K")).toBe(outputHashOf("stories260K"));
  });
});
