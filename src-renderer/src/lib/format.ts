/**
 * Every number, amount and time the dashboard shows goes through here, so the same quantity reads
 * the same on every page. Amounts arrive as decimal wei strings (bigint survives neither JSON nor
 * every structured clone) and are only ever converted with bigint arithmetic, never through floats.
 */

export const TOKEN_SYMBOL = "POUW";
export const NATIVE_SYMBOL = "ETH";
const DECIMALS = 18;
const WEI_PER_UNIT = 10n ** BigInt(DECIMALS);

// Read through globalThis: this module is also type-checked (and tested) as plain Node code.
const LOCALE = (globalThis as { navigator?: { language?: string } }).navigator?.language || "en-US";
const grouping = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** Wei → a decimal string with at most `maxDigits` fraction digits (rounded down), grouped. */
export function formatUnits(wei: string | bigint, maxDigits = 4): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / WEI_PER_UNIT;
  const fraction = (abs % WEI_PER_UNIT).toString().padStart(DECIMALS, "0").slice(0, maxDigits).replace(/0+$/, "");
  // A tiny non-zero amount would otherwise read as plain "0".
  const tiny = whole === 0n && fraction === "" && abs > 0n;
  if (tiny) return `${negative ? "-" : ""}<${(1 / 10 ** maxDigits).toFixed(maxDigits)}`;
  const sign = negative ? "-" : "";
  return `${sign}${grouping.format(whole)}${fraction ? `.${fraction}` : ""}`;
}

export function formatToken(wei: string | bigint | undefined, maxDigits = 4): string {
  return `${formatUnits(wei ?? "0", maxDigits)} ${TOKEN_SYMBOL}`;
}

export function formatNative(wei: string | bigint | undefined, maxDigits = 6): string {
  return `${formatUnits(wei ?? "0", maxDigits)} ${NATIVE_SYMBOL}`;
}

/** Wei → a plain decimal string an input field can hold and `parseUnits` reads back exactly. */
export function unitsForInput(wei: string | bigint): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  const whole = value / WEI_PER_UNIT;
  const fraction = (value % WEI_PER_UNIT).toString().padStart(DECIMALS, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** "12.5" (tokens) → wei string; a one-line error for anything that is not a plain amount. */
export function parseUnits(text: string): string {
  const trimmed = text.trim();
  const match = /^(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) throw new Error(`"${trimmed}" is not an amount: use digits and an optional decimal point`);
  const fraction = match[2] ?? "";
  if (fraction.length > DECIMALS) throw new Error(`use at most ${DECIMALS} decimal places`);
  return (BigInt(match[1] ?? "0") * WEI_PER_UNIT + BigInt(fraction.padEnd(DECIMALS, "0") || "0")).toString();
}

/** Wei → a float in whole units, for charts only (never for amounts shown as text). */
export function unitsAsNumber(wei: string | bigint): number {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  return Number(value / 10n ** 12n) / 1e6;
}

/** `value` is 0..100 unless `fraction` is set, in which case it is 0..1. */
export function formatPercent(value: number | undefined, opts: { fraction?: boolean; digits?: number } = {}): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const pct = opts.fraction ? value * 100 : value;
  return `${pct.toFixed(opts.digits ?? 0)}%`;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "–";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatByteRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? "–" : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatTokensPerSecond(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} tokens/s`;
}

export function formatTemperature(celsius: number | undefined): string {
  return celsius === undefined || !Number.isFinite(celsius) ? "–" : `${celsius.toFixed(0)} °C`;
}

/** Seconds → "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h": the two largest units are enough. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "min"],
    [s % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(" ");
}

/** Milliseconds of work → "17 ms", "1.4 s", then formatDuration's units: a fast task never reads "0 s". */
export function formatElapsedMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "–";
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(Math.round(ms) / 100) / 10).toFixed(1)} s`;
  return formatDuration(ms / 1000);
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
const RELATIVE_STEPS: [number, Intl.RelativeTimeFormatUnit][] = [
  [60, "second"],
  [60, "minute"],
  [24, "hour"],
  [30, "day"],
  [12, "month"],
  [Number.POSITIVE_INFINITY, "year"],
];

/** "5 seconds ago", "in 3 minutes", "yesterday". */
export function formatRelative(at: number, now: number): string {
  let value = (at - now) / 1000;
  for (const [size, unit] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), "year");
}

/** A deadline as a ticking clock: "4:05", "1:02:03"; "overdue 0:12" once passed. */
export function formatCountdown(deadline: number, now: number): string {
  const left = Math.round((deadline - now) / 1000);
  const abs = Math.abs(left);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const clock = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return left < 0 ? `overdue ${clock}` : clock;
}

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "medium" });
const timeOnly = new Intl.DateTimeFormat(LOCALE, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

export function formatDateTime(at: number | undefined): string {
  return at === undefined ? "–" : dateTime.format(new Date(at));
}

export function formatTime(at: number): string {
  return timeOnly.format(new Date(at));
}

/** 0x1234…abcd: enough to recognise a hash or address, short enough for a table cell. */
export function shortHex(hex: string | undefined, keep = 4): string {
  if (!hex) return "–";
  return hex.length <= 2 + keep * 2 + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

export function formatCount(n: number): string {
  return grouping.format(n);
}

/** "1 task", "2 tasks", "1,024 tasks": a count with its noun, singular only for exactly one. */
export function formatCountOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** An amount of the user's own currency: "$1.20", "-€0.35"; a code Intl refuses falls back to the number and the code. */
export function formatMoney(value: number | undefined, currency: string): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  try {
    return new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency,
      maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2,
    }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}
