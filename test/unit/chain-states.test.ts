import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src-main/paths.js";
import { NodePoolAbi, PouwTasksAbi } from "../../src-main/chain/generated/index.js";
import {
  isForwardTransition,
  NODE_ROLES,
  SLOT_OUTCOMES,
  SLOT_STATUSES,
  TASK_OUTCOMES,
  TASK_STATES,
  taskStateName,
} from "../../src-shared/pouw-states.js";

const source = (file: string) => readFileSync(path.join(packageRoot, "contracts", file), "utf8");

/** Member names of `enum <name> { ... }` in Solidity source, in declaration order. */
function solidityEnum(src: string, name: string): string[] {
  const m = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(src);
  if (!m?.[1]) throw new Error(`enum ${name} not found`);
  return m[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every internalType in an ABI, searched recursively through tuple components. */
function internalTypes(abi: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.internalType === "string") out.add(o.internalType);
      Object.values(o).forEach(walk);
    }
  };
  walk(abi);
  return out;
}

describe("PoUW enums in TypeScript", () => {
  it("match the Solidity declarations member by member", () => {
    const base = source("TaskBase.sol");
    expect(solidityEnum(base, "State")).toEqual([...TASK_STATES]);
    expect(solidityEnum(base, "Outcome")).toEqual([...TASK_OUTCOMES]);
    expect(solidityEnum(base, "SlotStatus")).toEqual([...SLOT_STATUSES]);
    const types = source("IPouw.sol");
    expect(solidityEnum(types, "Role")).toEqual([...NODE_ROLES]);
    expect(solidityEnum(types, "SlotOutcome")).toEqual([...SLOT_OUTCOMES]);
  });

  it("are the enums the generated ABIs use", () => {
    const tasks = internalTypes(PouwTasksAbi);
    for (const e of ["enum TaskBase.State", "enum TaskBase.Outcome", "enum TaskBase.SlotStatus"])
      expect(tasks).toContain(e);
    expect(internalTypes(NodePoolAbi)).toContain("enum PouwTypes.Role");
  });

  it("maps indexes to names and orders the state machine forward", () => {
    expect(TASK_STATES.map((_, i) => taskStateName(i))).toEqual([...TASK_STATES]);
    expect(() => taskStateName(7)).toThrow(RangeError);
    expect(isForwardTransition("Request", "Start")).toBe(true);
    expect(isForwardTransition("End", "Request")).toBe(false);
    expect(isForwardTransition("Commit", "Commit")).toBe(false);
  });
});
