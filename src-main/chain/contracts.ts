import type {
  Abi,
  AbiParameter,
  AbiParameterToPrimitiveType,
  ExtractAbiFunction,
  ExtractAbiFunctionNames,
} from "abitype";
import { Contract, Interface, type ContractRunner, type InterfaceAbi, type TransactionReceipt } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import type { Deployment } from "../../src-shared/deployment.js";
import { waitForReceipt } from "./provider.js";
import { IncentivePoolAbi, NodePoolAbi, PouwTasksAbi, PouwTokenAbi } from "./generated/index.js";

/** Names of view/pure functions in an ABI. */
export type ReadName<A extends Abi> = ExtractAbiFunctionNames<A, "view" | "pure">;
/** Names of state-changing functions in an ABI. */
export type WriteName<A extends Abi> = ExtractAbiFunctionNames<A, "nonpayable" | "payable">;

/*
 * Call types from the `as const` ABIs. abitype turns each ABI parameter into a TypeScript type; ethers
 * v6 differs from abitype's defaults in a few places, mapped here rather than asserted at call sites:
 * - integers: ethers decodes every uintN/intN as a bigint (abitype: number up to 48 bits) and takes a
 *   number or a bigint for any of them;
 * - address, bytes, bytesN: decoded as 0x hex strings (addresses checksummed), as abitype says;
 *   taken as any string (an address) or a string or Uint8Array (bytes, ethers' BytesLike);
 * - a struct, or several outputs, decodes to an ethers `Result`: frozen and array-like (`r[0]`,
 *   `r.length`) with the named components also readable as properties (`r.stake`) — typed as the
 *   positional tuple with the named fields. Arrays decode to frozen `Result`s too, hence `readonly`.
 *   A struct argument may be an object with the component names or an array in their order.
 *   Arrays of structs are typed one dimension deep (`tuple[]`, `tuple[N]`); these ABIs have none.
 * Functions are named, not overloaded (ethers' getFunction(name) rejects an ambiguous name anyway).
 */

/** The type string without its array dimensions: "address[]" → "address". */
type BaseType<T extends string> = T extends `${infer B}[${string}` ? B : T;

/** A decoded value as ethers returns it, from abitype's type of that parameter. */
type EthersValue<T> = T extends number | bigint
  ? bigint
  : T extends readonly unknown[]
    ? { readonly [K in keyof T]: EthersValue<T[K]> }
    : T;

/** A decoded struct (or several outputs): ethers' `Result`, positional and by name. */
export type StructResult<C extends readonly AbiParameter[]> = { readonly [K in keyof C]: OutputOf<C[K]> } & {
  readonly [P in C[number] as P["name"] extends "" | undefined ? never : NonNullable<P["name"]>]: OutputOf<P>;
};

/** One output parameter as ethers decodes it. */
type OutputOf<P> = P extends { type: string; components: infer C extends readonly AbiParameter[] }
  ? P["type"] extends "tuple"
    ? StructResult<C>
    : readonly StructResult<C>[]
  : P extends AbiParameter
    ? EthersValue<AbiParameterToPrimitiveType<P, "outputs">>
    : never;

/** An argument value ethers accepts where abitype types `T`, for a parameter of base type `Base`. */
type EthersArg<T, Base extends string> = T extends number | bigint
  ? number | bigint
  : T extends `0x${string}`
    ? Base extends "address"
      ? string
      : string | Uint8Array
    : T extends readonly unknown[]
      ? { readonly [K in keyof T]: EthersArg<T[K], Base> }
      : T;

/** A struct argument: an object with the component names, or an array in their order. */
type StructArg<C extends readonly AbiParameter[]> =
  { readonly [K in keyof C]: ArgOf<C[K]> } | { readonly [P in C[number] as NonNullable<P["name"]>]: ArgOf<P> };

/** One input parameter as ethers takes it. */
type ArgOf<P> = P extends { type: string; components: infer C extends readonly AbiParameter[] }
  ? P["type"] extends "tuple"
    ? StructArg<C>
    : readonly StructArg<C>[]
  : P extends AbiParameter
    ? EthersArg<AbiParameterToPrimitiveType<P, "inputs">, BaseType<P["type"]>>
    : never;

/** Arguments for a parameter list, in order. */
type ArgsOf<Ps extends readonly AbiParameter[]> = { readonly [K in keyof Ps]: ArgOf<Ps[K]> };
/** The arguments of function `M`, in order. */
export type CallArgs<A extends Abi, M extends string> = ArgsOf<ExtractAbiFunction<A, M>["inputs"]>;

/** What `staticCall` resolves to: a single output unwrapped, else the whole `Result`. */
type Outputs<Ps extends readonly AbiParameter[]> = Ps extends readonly [infer Only] ? OutputOf<Only> : StructResult<Ps>;
/** What reading view function `M` resolves to. */
export type ReadResult<A extends Abi, M extends string> = Outputs<ExtractAbiFunction<A, M>["outputs"]>;

/**
 * An ethers Contract called through its generated `as const` ABI: method names, argument types and
 * read results are checked against the ABI (see the mapping above), so callers assert nothing.
 */
export class TypedContract<A extends Abi> {
  readonly contract: Contract;
  constructor(
    readonly address: string,
    abi: A,
    runner: ContractRunner,
  ) {
    this.contract = new Contract(address, abi as InterfaceAbi, runner);
  }

  connect(runner: ContractRunner): TypedContract<A> {
    return new TypedContract(this.address, this.contract.interface.fragments as unknown as A, runner);
  }

  /** Sends a transaction and waits for its receipt; a revert throws with the custom error's name. */
  async send<M extends WriteName<A>>(method: M, ...args: CallArgs<A, M>): Promise<TransactionReceipt> {
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

  /** Calls a view function; the result is typed from the ABI's outputs as ethers decodes them. */
  async read<M extends ReadName<A>>(method: M, ...args: CallArgs<A, M>): Promise<ReadResult<A, M>> {
    // The one assertion: ethers types staticCall as `any`; ReadResult is its documented shape.
    return (await this.contract.getFunction(method).staticCall(...args)) as ReadResult<A, M>;
  }
}

/**
 * What every PoUW contract answers: its protocol version. A union of TypedContracts cannot be called
 * (each has its own generic `read`), so code reading each contract's version takes them as this.
 */
export interface Versioned {
  readonly address: string;
  read(method: "version"): Promise<bigint>;
}

/** The ABI a TypedContract was made from (for helpers typed over one contract's methods). */
export type AbiOf<C> = C extends TypedContract<infer A> ? A : never;

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
  [...PouwTokenAbi, ...NodePoolAbi, ...PouwTasksAbi, ...IncentivePoolAbi].filter(
    (f) => f.type === "error",
  ) as InterfaceAbi,
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
