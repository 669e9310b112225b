import type { JsonRpcProvider } from "ethers";
import { revertName, type PouwTasks } from "../../src-main/chain/contracts.js";

/**
 * Whether a task call would succeed in the next block ("pending": a draw needs a block after the
 * request's): true, or which of the `expected` errors it would revert with (e.g. no idle miner: a
 * stalled slot is dropped by advance instead; a draw waits). Any other failure throws.
 */
export async function nextBlockCheck(
  provider: JsonRpcProvider,
  from: string,
  tasks: PouwTasks,
  method: "assign" | "reassign",
  args: unknown[],
  expected: readonly string[],
): Promise<true | string> {
  const data = tasks.contract.interface.encodeFunctionData(method, args);
  try {
    await provider.call({ from, to: tasks.address, data, blockTag: "pending" });
    return true;
  } catch (err) {
    const name = revertName(err);
    if (name !== undefined && expected.includes(name)) return name;
    throw err;
  }
}
