import { getAddress, Interface, type ContractRunner, type TransactionRequest } from "ethers";
import { describe, expect, expectTypeOf, it } from "vitest";
import { TypedContract } from "../../src-main/chain/contracts.js";
import { NodePoolAbi, PouwTasksAbi, PouwTokenAbi } from "../../src-main/chain/generated/index.js";

// TypedContract's calls are typed from the `as const` ABIs (abitype, mapped to what ethers v6 takes
// and decodes). The type assertions here are checked by `tsc` (npm test's typecheck): a read typed
// wrong, or a `@ts-expect-error` call that stops being an error, fails the build. The runtime part
// decodes real ABI-encoded answers through ethers, to show the types describe what ethers returns.

const ADDR = getAddress("0x1000000000000000000000000000000000000001");
const OTHER = getAddress("0x2000000000000000000000000000000000000002");
const MODEL = `0x${"ab".repeat(32)}`;

/** A runner that answers every eth_call with `answer(calldata)`; nothing is ever sent. */
function answering(answer: (data: string) => string): ContractRunner {
  return { provider: null, call: (tx: TransactionRequest) => Promise.resolve(answer(String(tx.data))) };
}

const tasksIface = new Interface(PouwTasksAbi);
const node = [10n ** 18n, 1n, true, false, 42n, 0n, 3n, 1n, 0n, 2n];
const nodePool = new TypedContract(
  ADDR,
  NodePoolAbi,
  answering(() => new Interface(NodePoolAbi).encodeFunctionResult("getNode", [node])),
);

describe("TypedContract.read is typed from the ABI", () => {
  it("a struct output: ethers' Result, named fields and positions, every uint a bigint", async () => {
    const n = await nodePool.read("getNode", OTHER);
    expectTypeOf(n.stake).toEqualTypeOf<bigint>();
    expectTypeOf(n.role).toEqualTypeOf<bigint>(); // uint8 enum: abitype says number, ethers decodes a bigint
    expectTypeOf(n.busy).toEqualTypeOf<boolean>();
    expectTypeOf(n[0]).toEqualTypeOf<bigint>();
    expectTypeOf(n.length).toEqualTypeOf<10>();
    expect(n.stake).toBe(10n ** 18n);
    expect(n.role).toBe(1n);
    expect(n.speed).toBe(42n);
    expect([n.busy, n.active]).toEqual([true, false]);
    expect(n[4]).toBe(n.speed);
    expect(Array.isArray(n) && Object.isFrozen(n)).toBe(true);
  });

  it("single outputs come unwrapped: bigint, address, bool, address[], a fixed uint40[7] inside a struct", async () => {
    const params = tasksIface.encodeFunctionResult("params", [
      [[1n, 2n, 3n, 4n, 5n, 6n, 7n], 8n, 10n, 9n, 1000n, 100n, 200n, 8000n, 5000n, 2n, 16384n],
    ]);
    const tasks = new TypedContract(
      ADDR,
      PouwTasksAbi,
      answering((data) => {
        const name = tasksIface.parseTransaction({ data })?.name;
        if (name === "creatorOf") return tasksIface.encodeFunctionResult(name, [OTHER]);
        if (name === "poiVotes") return tasksIface.encodeFunctionResult(name, [[ADDR, OTHER]]);
        if (name === "isBackground") return tasksIface.encodeFunctionResult(name, [true]);
        if (name === "owed") return tasksIface.encodeFunctionResult(name, [5n]);
        return params;
      }),
    );
    const owed = tasks.read("owed", ADDR);
    expectTypeOf(owed).resolves.toEqualTypeOf<bigint>();
    expect(await owed).toBe(5n);
    const creator = tasks.read("creatorOf", 1n);
    expectTypeOf(creator).resolves.toEqualTypeOf<`0x${string}`>();
    expect(await creator).toBe(OTHER);
    const background = tasks.read("isBackground", 1);
    expectTypeOf(background).resolves.toEqualTypeOf<boolean>();
    expect(await background).toBe(true);
    const voters = tasks.read("poiVotes", 1n, MODEL);
    expectTypeOf(voters).resolves.toEqualTypeOf<readonly `0x${string}`[]>();
    expect([...(await voters)]).toEqual([ADDR, OTHER]);
    const p = await tasks.read("params");
    expectTypeOf(p.windows).toEqualTypeOf<readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint]>();
    expectTypeOf(p.similarityThresholdBps).toEqualTypeOf<bigint>();
    expect([...p.windows]).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(p.similarityThresholdBps).toBe(8000n);
  });

  it("a wrong method, a wrong argument or an asserted result type does not compile", () => {
    const token = new TypedContract(
      ADDR,
      PouwTokenAbi,
      answering(() => "0x"),
    );
    // Never called: these lines are here for the type checker.
    const misuse = () => {
      // @ts-expect-error no such function in the ABI
      void nodePool.read("getNodes", ADDR);
      // @ts-expect-error register changes state: it is sent, not read
      void nodePool.read("register", 1, 1n, 1, []);
      const tasks = new TypedContract(
        ADDR,
        PouwTasksAbi,
        answering(() => "0x"),
      );
      // @ts-expect-error getTask takes a uint256, not a string
      void tasks.read("getTask", "1");
      // @ts-expect-error getNode takes an address
      void nodePool.read("getNode");
      // @ts-expect-error an address is a string, not bytes
      void nodePool.read("getNode", new Uint8Array(20));
      // @ts-expect-error the result type comes from the ABI, not from the caller
      void nodePool.read<bigint>("minStake");
      // @ts-expect-error balanceOf is a view: it is read, not sent
      void token.send("balanceOf", ADDR);
      // @ts-expect-error transfer's amount is a uint256
      void token.send("transfer", ADDR, "1");
      // @ts-expect-error transfer takes two arguments
      void token.send("transfer", ADDR, 1n, 2n);
      void nodePool.read("getNode", ADDR).then((n) => {
        // @ts-expect-error a Node has no such field
        void n.owner;
      });
    };
    // And what does: a number or a bigint for any uint, a string or bytes for bytes.
    const use = () => {
      void token.send("transfer", ADDR, 1);
      void token.send("approve", OTHER, 10n ** 18n);
      void new TypedContract(
        ADDR,
        PouwTasksAbi,
        answering(() => "0x"),
      ).send("reveal", 1n, 0, new Uint8Array([1]), MODEL);
      void nodePool.send("register", 1, 10n ** 18n, 12, [MODEL]);
    };
    expectTypeOf(misuse).toBeFunction();
    expectTypeOf(use).toBeFunction();
  });
});
