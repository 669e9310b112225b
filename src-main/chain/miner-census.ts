import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import type { NodePool } from "./contracts.js";

/** Miners registered for a model that could take a task: staked and active; `idle` are not busy now. */
export async function minerCensus(nodePool: NodePool, modelId: string): Promise<{ active: number; idle: number }> {
  const [all, minStake] = await Promise.all([nodePool.read("modelMiners", modelId), nodePool.read("minStake")]);
  const nodes = await Promise.all(all.map((m) => nodePool.read("getNode", m)));
  const live = nodes.filter((n) => Number(n.role) === nodeRoleIndex("Miner") && n.active && n.stake >= minStake);
  return { active: live.length, idle: live.filter((n) => !n.busy).length };
}
