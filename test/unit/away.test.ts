import { describe, expect, it } from "vitest";
import { awaySummary, MIN_AWAY_MS, parseSeenMark } from "../../src-renderer/src/lib/away.js";
import { formatMoney } from "../../src-renderer/src/lib/format.js";

describe("while you were away", () => {
  const seen = { at: 1_000_000, totalWei: "100", tasksCompleted: 2 };

  it("sums what was earned since the dashboard was last seen", () => {
    expect(awaySummary(seen, { at: 1_000_000 + 3_600_000, totalWei: "250", tasksCompleted: 5 })).toEqual({
      awayMs: 3_600_000,
      earnedWei: "150",
      tasks: 3,
    });
  });

  it("says nothing after a short glance away or without a mark", () => {
    expect(awaySummary(seen, { at: seen.at + MIN_AWAY_MS - 1, totalWei: "250", tasksCompleted: 5 })).toBeUndefined();
    expect(
      awaySummary(undefined, { at: seen.at + MIN_AWAY_MS * 10, totalWei: "250", tasksCompleted: 5 }),
    ).toBeUndefined();
  });

  it("never reports a loss as earnings (another wallet, a reset history)", () => {
    expect(awaySummary(seen, { at: seen.at + MIN_AWAY_MS, totalWei: "0", tasksCompleted: 0 })).toEqual({
      awayMs: MIN_AWAY_MS,
      earnedWei: "0",
      tasks: 0,
    });
  });

  it("reads back only a well-formed mark", () => {
    expect(parseSeenMark(JSON.stringify(seen))).toEqual(seen);
    expect(parseSeenMark("{")).toBeUndefined();
    expect(parseSeenMark(JSON.stringify({ ...seen, totalWei: "1e18" }))).toBeUndefined();
    expect(parseSeenMark(null)).toBeUndefined();
  });
});

describe("money in the user's currency", () => {
  it("formats with the currency's symbol, and a code Intl does not know after the number", () => {
    expect(formatMoney(1.2, "USD")).toMatch(/1\.20/);
    expect(formatMoney(1.2, "USD")).toMatch(/\$/);
    expect(formatMoney(0.0035, "EUR")).toMatch(/0\.0035/);
    expect(formatMoney(undefined, "USD")).toBe("–");
    expect(formatMoney(2, "XQQ")).toMatch(/2/);
  });
});
