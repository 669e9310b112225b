import { describe, expect, it } from "vitest";
import { earnedWei, electricityCost, moneyView, powerDraw, tokensOf, TYPICAL_WATTS } from "../../src-shared/money.js";

const E18 = 10n ** 18n;

describe("money that means something", () => {
  it("reads wei as tokens to a millionth", () => {
    expect(tokensOf(3n * E18)).toBe(3);
    expect(tokensOf((15n * E18) / 10n)).toBe(1.5);
    expect(tokensOf("1")).toBe(0);
  });

  it("takes the measured power draw first, then the user's figure, then a typical one", () => {
    expect(powerDraw([{ powerW: 100 }, {}, { powerW: 200 }], 50, true)).toEqual({ watts: 150, source: "measured" });
    expect(powerDraw([{}, { powerW: 0 }], 80, true)).toEqual({ watts: 80, source: "set by you" });
    expect(powerDraw([], undefined, true)).toEqual({ watts: TYPICAL_WATTS.gpu, source: "estimated" });
    expect(powerDraw([], undefined, false)).toEqual({ watts: TYPICAL_WATTS.cpu, source: "estimated" });
  });

  it("sums the rewards of the buckets, user-paid and network-paid", () => {
    expect(
      earnedWei([
        { userWei: "5", backgroundWei: "1" },
        { userWei: "0", backgroundWei: "4" },
      ]),
    ).toBe(10n);
    expect(earnedWei([])).toBe(0n);
  });

  it("prices electricity per kWh", () => {
    expect(electricityCost(250, 24, 0.3)).toBeCloseTo(1.8);
    expect(electricityCost(0, 24, 0.3)).toBe(0);
  });

  it("turns the last 24 hours into money per hour and day, net of electricity, with a projection", () => {
    const view = moneyView({
      last24hWei: 48n * E18,
      pricePerToken: 0.5,
      electricityPricePerKwh: 0.25,
      power: { watts: 200, source: "measured" },
    });
    expect(view.tokensPerDay).toBe(48);
    expect(view.perDay).toBe(24);
    expect(view.perHour).toBe(1);
    expect(view.electricityPerDay).toBeCloseTo(1.2);
    expect(view.netPerDay).toBeCloseTo(22.8);
    expect(view.projection?.week).toBeCloseTo(159.6);
    expect(view.projection?.month).toBeCloseTo(684);
  });

  it("leaves out what has no price instead of showing zero, and a loss stays a loss", () => {
    const noPrices = moneyView({ last24hWei: E18, power: { watts: 65, source: "estimated" } });
    expect(noPrices).toEqual({ tokensPerDay: 1 });
    const onlyTokenPrice = moneyView({ last24hWei: E18, pricePerToken: 2, power: { watts: 65, source: "estimated" } });
    expect(onlyTokenPrice).toMatchObject({ perDay: 2, netPerDay: 2 });
    expect(onlyTokenPrice.electricityPerDay).toBeUndefined();
    const onlyPower = moneyView({
      last24hWei: E18,
      electricityPricePerKwh: 1,
      power: { watts: 1000, source: "set by you" },
    });
    expect(onlyPower.perDay).toBeUndefined();
    expect(onlyPower.netPerDay).toBeUndefined();
    expect(onlyPower.projection?.week).toBe(-168);
    const losing = moneyView({
      last24hWei: 0n,
      pricePerToken: 1,
      electricityPricePerKwh: 0.5,
      power: { watts: 100, source: "measured" },
    });
    expect(losing.netPerDay).toBeCloseTo(-1.2);
  });
});
