import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revert, snapshot } from "../../src-main/chain/provider.js";
import { type Chain, startChain } from "./fixture.js";
import { actionArb, ProtocolModel } from "./protocol-actions.js";

// Test tier: a modest number of runs; `npm run bench -- protocol` runs the same property 1,000 times.
const RUNS = Number(process.env.POUW_PROPERTY_RUNS ?? 30);
let chain: Chain;
let supply: bigint;

beforeAll(async () => {
  chain = await startChain({ miners: 6, oracles: 2, requesters: 2 });
  supply = await chain.owner.c.token.read("totalSupply");
});
afterAll(async () => {
  await chain?.stop();
});

describe("random action sequences", () => {
  it(`conserve funds, never pay twice and only move states forward (${RUNS} runs)`, async () => {
    let successes = 0;
    let reverts = 0;
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 5, maxLength: 30 }), async (actions) => {
        const snap = await snapshot(chain.provider);
        try {
          const model = new ProtocolModel(chain);
          for (const a of actions) await model.apply(a);
          await model.checkFunds(supply);
          successes += model.successes;
          reverts += model.reverts;
          for (const st of model.reached) reached.add(st);
        } finally {
          await revert(chain.provider, snap);
        }
      }),
      // One honest sequence always runs too, so the coverage check below never depends on luck.
      {
        numRuns: RUNS,
        examples: [
          [
            [
              { kind: "request", k: 1, tokens: 5, requester: 0 },
              ...Array.from({ length: 6 }, () => ({ kind: "drive" as const, task: 0 })),
            ],
          ],
        ],
      },
    );
    // The generator must reach real transitions, not only rejected calls.
    expect(successes).toBeGreaterThan(RUNS);
    expect(reverts).toBeGreaterThan(0);
    for (const st of ["Start", "Precommit", "Commit", "End"]) expect(reached).toContain(st);
  }, 240_000);
});
