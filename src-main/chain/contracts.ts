import { Contract, Interface, type ContractRunner, type TransactionReceipt } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { waitForReceipt } from "./provider.js";
import { IncentivePoolAbi, NodePoolAbi, PouwTasksAbi, PouwTokenAbi } from "./generated/index.js";

type AbiItem = { readonly type: string; readonly name?: string; readonly stateMutability?: string };
type Functions<A extends readonly AbiItem[]> = Extract<A[number], { type: "function" }>;
/** Names of state-changing functions in an ABI. */
export type WriteName<A extends readonly AbiItem[]> = Exclude<Functions<A>, { stateMutability: "view" | "pure" }>["name"] & string;
/** Names of view/pure functions in an ABI. */
export type ReadName<A extends readonly AbiItem[]> = Extract<Functions<A>, { stateMutability: "view" | "pure" }>["name"] & string;

/**
 * An ethers Contract whose method names are checked against the generated ABI. ethers v6 does not
 * type `as const` ABIs, so arguments and results stay `unknown` and callers parse what they read.
 */
export class TypedContract<A extends readonly AbiItem[]> {
  readonly contract: Contract;
  constructor(
    readonly address: string,
    abi: A,
    runner: ContractRunner,
  ) {
    this.contract = new Contract(address, abi as unknown as AbiItem[], runner);
  }

  connect(runner: ContractRunner): TypedContract<A> {
    return new TypedContract(this.address, this.contract.interface.fragments as unknown as A, runner);
  }

  /** Sends a transaction and waits for its receipt; a revert throws with the custom error's name. */
  async send(method: WriteName<A>, ...args: unknown[]): Promise<TransactionReceipt> {
    try {
      const fn = this.contract.getFunction(method);
      // Miner selection reads fresh randomness, so gas at inclusion can exceed the estimate.
      const gasLimit = ((await fn.estimateGas(...args)) * 3n) / 2n;
      const tx = (await fn.send(...args, { gasLimit })) as { hash: string };
      const provider = this.contract.runner?.provider;
      if (!provider) throw new PouwError("CHAIN_ERROR", `${method}: the contract runner has no provider`);
      const receipt = await waitForReceipt(provider, tx.hash);
      if (receipt.status !== 1) throw new PouwError("CHAIN_ERROR", `${method} reverted in transaction ${tx.hash}`);
      return receipt;
    } catch (err) {
      throw asChainError(method, err);
    }
  }

  async read<T = unknown>(method: ReadName<A>, ...args: unknown[]): Promise<T> {
    return (await this.contract.getFunction(method).staticCall(...args)) as T;
  }
}

export type PouwToken = TypedContract<typeof PouwTokenAbi>;
export type NodePool = TypedContract<typeof NodePoolAbi>;
export type PouwTasks = TypedContract<typeof PouwTasksAbi>;
export type IncentivePool = TypedContract<typeof IncentivePoolAbi>;

export interface ProtocolContracts {
  token: PouwToken;
  nodePool: NodePool;
  tasks: PouwTasks;
  incentivePool: IncentivePool;
}

export function connectProtocol(deployment: Pick<Deployment, "contracts">, runner: ContractRunner): ProtocolContracts {
  const c = deployment.contracts;
  return {
    token: new TypedContract(c.token, PouwTokenAbi, runner),
    nodePool: new TypedContract(c.nodePool, NodePoolAbi, runner),
    tasks: new TypedContract(c.tasks, PouwTasksAbi, runner),
    incentivePool: new TypedContract(c.incentivePool, IncentivePoolAbi, runner),
  };
}

// Errors of every contract: a revert can bubble up from a contract other than the one called.
const allErrors = new Interface(
  [...PouwTokenAbi, ...NodePoolAbi, ...PouwTasksAbi, ...IncentivePoolAbi].filter((f) => f.type === "error") as unknown as AbiItem[],
);

/** The custom error name of a reverted call or transaction (e.g. "CommitmentMismatch"). */
export function revertName(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const { revert, data, cause } = e as { revert?: { name?: unknown }; data?: unknown; cause?: unknown };
    if (revert && typeof revert.name === "string") return revert.name;
    if (typeof data === "string" && data.length >= 10) {
      const parsed = allErrors.parseError(data);
      if (parsed) return parsed.name;
    }
    e = cause;
  }
  return undefined;
}

function asChainError(method: string, err: unknown): PouwError {
  if (err instanceof PouwError) return err;
  const name = revertName(err);
  const detail = name ?? (err instanceof Error ? err.message.split("\n")[0] : String(err));
  return new PouwError("CHAIN_ERROR", `${method} reverted: ${detail}`, { cause: err });
}
