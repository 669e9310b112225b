import type { EarningsBucket } from "./app-views.js";

/**
 * Earnings in the user's own currency, net of electricity: pure arithmetic over figures the user
 * typed (price per POUW, price per kWh) and the machine's power draw. No price service is asked.
 * Money figures are floats: they are for reading, never sent anywhere or compared with amounts on
 * chain (those stay bigint wei).
 */
const WEI_PER_MICRO = 10n ** 12n;
const HOURS_PER_DAY = 24;

/** Rough draws while mining, used only when neither the hardware nor the user gives one. */
export const TYPICAL_WATTS = { gpu: 250, cpu: 65 } as const;

export type PowerSource = "measured" | "set by you" | "estimated";
export interface PowerDraw {
  readonly watts: number;
  readonly source: PowerSource;
}

/** Wei → whole tokens as a float (to a millionth of a token, which is enough for money shown to a person). */
export function tokensOf(wei: string | bigint): number {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  return Number(value / WEI_PER_MICRO) / 1e6;
}

/** The mean of the readings that carry a power figure; else the user's figure; else a typical one. */
export function powerDraw(
  samples: readonly { powerW?: number }[],
  setting: number | undefined,
  hasGpu: boolean,
): PowerDraw {
  const readings = samples
    .map((s) => s.powerW)
    .filter((w): w is number => w !== undefined && Number.isFinite(w) && w > 0);
  if (readings.length > 0) return { watts: readings.reduce((a, b) => a + b, 0) / readings.length, source: "measured" };
  if (setting !== undefined && setting > 0) return { watts: setting, source: "set by you" };
  return { watts: hasGpu ? TYPICAL_WATTS.gpu : TYPICAL_WATTS.cpu, source: "estimated" };
}

/** Rewards (user-paid and network-paid) in the hourly buckets: the last 24 hours when given those. */
export function earnedWei(buckets: readonly Pick<EarningsBucket, "userWei" | "backgroundWei">[]): bigint {
  return buckets.reduce((sum, b) => sum + BigInt(b.userWei) + BigInt(b.backgroundWei), 0n);
}

/** Cost of running `watts` for `hours` at `pricePerKwh`. */
export function electricityCost(watts: number, hours: number, pricePerKwh: number): number {
  return (watts / 1000) * hours * pricePerKwh;
}

export interface MoneyInputs {
  /** Rewards over the last 24 hours. */
  readonly last24hWei: string | bigint;
  readonly pricePerToken?: number;
  readonly electricityPricePerKwh?: number;
  readonly power: PowerDraw;
}

/**
 * The last 24 hours' rate as money: per hour and per day, electricity per day (mining around the
 * clock at the given draw), net, and the same day projected over a week and a month. A figure whose
 * price is not set is absent, never zero.
 */
export interface MoneyView {
  readonly tokensPerDay: number;
  readonly perHour?: number;
  readonly perDay?: number;
  readonly electricityPerDay?: number;
  readonly netPerDay?: number;
  readonly projection?: { readonly week: number; readonly month: number };
}

export function moneyView(input: MoneyInputs): MoneyView {
  const tokensPerDay = tokensOf(input.last24hWei);
  const perDay = input.pricePerToken === undefined ? undefined : tokensPerDay * input.pricePerToken;
  const electricityPerDay =
    input.electricityPricePerKwh === undefined
      ? undefined
      : electricityCost(input.power.watts, HOURS_PER_DAY, input.electricityPricePerKwh);
  const netPerDay = perDay === undefined ? undefined : perDay - (electricityPerDay ?? 0);
  const daily = netPerDay ?? (electricityPerDay === undefined ? undefined : -electricityPerDay);
  return {
    tokensPerDay,
    ...(perDay !== undefined ? { perHour: perDay / HOURS_PER_DAY, perDay } : {}),
    ...(electricityPerDay !== undefined ? { electricityPerDay } : {}),
    ...(netPerDay !== undefined ? { netPerDay } : {}),
    ...(daily !== undefined ? { projection: { week: daily * 7, month: daily * 30 } } : {}),
  };
}
