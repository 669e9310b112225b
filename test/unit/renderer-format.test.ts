import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCount,
  formatCountdown,
  formatCountOf,
  formatDuration,
  formatElapsedMs,
  formatNative,
  formatPercent,
  formatRelative,
  formatTemperature,
  formatToken,
  formatTokensPerSecond,
  parseUnits,
  shortHex,
  unitsForInput,
} from "../../src-renderer/src/lib/format.js";

const E18 = 10n ** 18n;

describe("renderer formatting helpers", () => {
  it("shows wei as token and native amounts with their symbols, exactly", () => {
    expect(formatToken("0")).toBe("0 POUW");
    expect(formatToken((15n * E18) / 10n)).toBe("1.5 POUW");
    expect(formatToken(1234567n * E18)).toBe("1,234,567 POUW");
    // Rounded down, never up: the wallet never shows more than it holds.
    expect(formatToken("1999999999999999999")).toBe("1.9999 POUW");
    expect(formatToken("1")).toBe("<0.0001 POUW");
    expect(formatNative("2000000000000000")).toBe("0.002 ETH");
    expect(formatToken(undefined)).toBe("0 POUW");
  });

  it("reads typed amounts back into wei without floating point", () => {
    expect(parseUnits("1.5")).toBe(((15n * E18) / 10n).toString());
    expect(parseUnits(" 100 ")).toBe((100n * E18).toString());
    expect(parseUnits("0.000000000000000001")).toBe("1");
    expect(() => parseUnits("1,5")).toThrow(/not an amount/);
    expect(() => parseUnits("-1")).toThrow(/not an amount/);
    expect(() => parseUnits("0.0000000000000000001")).toThrow(/18 decimal places/);
    expect(unitsForInput((1005n * E18) / 10n)).toBe("100.5");
    expect(parseUnits(unitsForInput("123456789012345678901"))).toBe("123456789012345678901");
  });

  it("formats percent, bytes, speeds and temperatures, with a dash when unknown", () => {
    expect(formatPercent(42.4)).toBe("42%");
    expect(formatPercent(0.256, { fraction: true })).toBe("26%");
    expect(formatPercent(undefined)).toBe("–");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(16 * 1024 ** 3)).toBe("16.0 GiB");
    expect(formatBytes(250 * 1024 ** 2)).toBe("250 MiB");
    expect(formatBytes(undefined)).toBe("–");
    expect(formatTokensPerSecond(12.345)).toBe("12.3 tokens/s");
    expect(formatTokensPerSecond(250)).toBe("250 tokens/s");
    expect(formatTemperature(61.4)).toBe("61 °C");
  });

  it("formats durations with the two largest units", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(200)).toBe("3 min 20 s");
    expect(formatDuration(7500)).toBe("2 h 5 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(90_000)).toBe("1 d 1 h");
    expect(formatDuration(-1)).toBe("–");
    // Inference times: under a second in ms (never "0 s"), then tenths, then formatDuration's units.
    expect(formatElapsedMs(17)).toBe("17 ms");
    expect(formatElapsedMs(0)).toBe("0 ms");
    expect(formatElapsedMs(999.7)).toBe("1.0 s");
    expect(formatElapsedMs(1460)).toBe("1.4 s");
    expect(formatElapsedMs(75_000)).toBe("1 min 15 s");
    expect(formatElapsedMs(undefined)).toBe("–");
  });

  it("formats relative times and countdowns", () => {
    const now = 1_700_000_000_000;
    expect(formatRelative(now - 5_000, now)).toBe("5 seconds ago");
    expect(formatRelative(now + 3 * 60_000, now)).toBe("in 3 minutes");
    expect(formatRelative(now - 2 * 3_600_000, now)).toBe("2 hours ago");
    expect(formatCountdown(now + 65_000, now)).toBe("1:05");
    expect(formatCountdown(now + 3_723_000, now)).toBe("1:02:03");
    expect(formatCountdown(now - 12_000, now)).toBe("overdue 0:12");
  });

  it("shortens hashes and addresses", () => {
    expect(shortHex("0x" + "ab".repeat(32))).toBe("0xabab…abab");
    expect(shortHex("0x1234")).toBe("0x1234");
    expect(shortHex(undefined)).toBe("–");
  });
});

describe("formatCountOf", () => {
  it("uses the singular for exactly one and groups large counts", () => {
    expect(formatCountOf(1, "task")).toBe("1 task");
    expect(formatCountOf(0, "task")).toBe("0 tasks");
    expect(formatCountOf(1024, "task")).toBe(`${formatCount(1024)} tasks`);
    expect(formatCountOf(2, "entry", "entries")).toBe("2 entries");
  });
});
