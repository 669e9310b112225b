import { describe, expect, it } from "vitest";
import { LogRange, hintedRange } from "../../src-main/sync/log-range.js";

/** An error shaped as ethers throws a JSON-RPC error answer. */
function rpcError(message: string, code = -32005): Error {
  return Object.assign(new Error(`could not coalesce error (error={ "code": ${code}, "message": "${message}" })`), {
    error: { code, message },
  });
}

describe("LogRange", () => {
  it("halves on a provider's range or result limit and grows back after successes, never above the maximum", () => {
    const r = new LogRange(2_000, 2);
    expect(r.limited(rpcError("query returned more than 10000 results"))).toEqual({ retryInMs: 0 });
    expect(r.size).toBe(1_000);
    expect(r.limited(rpcError("block range is too wide"))).toEqual({ retryInMs: 0 });
    expect(r.size).toBe(500);
    r.succeeded();
    expect(r.size).toBe(500);
    r.succeeded();
    expect(r.size).toBe(1_000);
    r.succeeded();
    r.succeeded();
    expect(r.size).toBe(2_000);
    r.succeeded();
    r.succeeded();
    expect(r.size).toBe(2_000);
  });

  it("takes the provider's hint when it names a range that works", () => {
    const alchemy = new LogRange(10_000);
    alchemy.limited(rpcError("Log response size exceeded. this block range should work: [0x10, 0x2f]"));
    expect(alchemy.size).toBe(32);
    const quicknode = new LogRange(10_000);
    quicknode.limited(rpcError("eth_getLogs is limited to a 5 range", -32614));
    expect(quicknode.size).toBe(5);
    expect(hintedRange("max block range of 1,000 exceeded")).toBe(1_000);
    expect(hintedRange("something else")).toBeUndefined();
  });

  it("waits longer after each rate limit, and not at all after a success", () => {
    const r = new LogRange(100);
    expect(r.limited(new Error("server response 429 Too Many Requests"))).toEqual({ retryInMs: 250 });
    expect(r.limited(new Error("rate limit reached"))).toEqual({ retryInMs: 500 });
    r.succeeded();
    expect(r.limited(new Error("429"))).toEqual({ retryInMs: 250 });
  });

  it("gives up on errors that are not limits, and when one block is already refused", () => {
    const r = new LogRange(8);
    expect(r.limited(new Error("execution reverted"))).toBeUndefined();
    expect(r.size).toBe(8);
    for (let i = 0; i < 3; i++) r.limited(rpcError("block range too large"));
    expect(r.size).toBe(1);
    expect(r.limited(rpcError("block range too large"))).toBeUndefined();
  });
});
