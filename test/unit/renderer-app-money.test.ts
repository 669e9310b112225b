// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import { SEEN_KEY } from "../../src-renderer/src/lib/away.js";
import { previewEarnings, previewSample, wei } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// Issue 17 item 3: money in the user's currency, net of electricity, and "while you were away".
const g = globalThis as unknown as {
  location: { hash: string };
  localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void; clear(): void };
  document: { dispatchEvent(e: unknown): boolean };
  Event: new (type: string) => unknown;
};
const click = (name: string) => fireEvent.click(screen.getByRole("button", { name }));
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const setHidden = (hidden: boolean) => {
  Object.defineProperty(g.document, "hidden", { value: hidden, configurable: true });
  g.document.dispatchEvent(new g.Event("visibilitychange"));
};
// 48 POUW over the last 24 hours, in two hourly buckets.
const earnings = previewEarnings({
  hourly: [
    { start: 0, userWei: wei(40), backgroundWei: wei(0), gasWei: "0", tasks: 4 },
    { start: 3_600_000, userWei: wei(6), backgroundWei: wei(2), gasWei: "0", tasks: 2 },
  ],
});

beforeEach(() => {
  g.location.hash = "";
  g.localStorage.clear();
  Object.defineProperty(g.document, "hidden", { value: false, configurable: true });
});
afterEach(() => vi.restoreAllMocks());

describe("money on the dashboard", () => {
  it("asks for prices in Settings, and asks no price service", async () => {
    const main = fakeMain({ earnings }, () => ({ getSamples: () => [] }));
    render(App, { client: main.client });
    const card = await screen.findByRole("region", { name: "Money" });
    expect(card.textContent).toMatch(/Set your own price per POUW/);
    expect(within(card).getByRole("link", { name: "Settings" }).getAttribute("href")).toBe("#/settings");
  });

  it("shows earnings per hour and day, electricity from the measured draw, net and the projection", async () => {
    const settings = { ...defaultSettings(), pricePerToken: 0.5, electricityPricePerKwh: 0.25 };
    const main = fakeMain({ earnings, settings }, () => ({
      getSamples: () => [previewSample(1, { powerW: 150 }), previewSample(2, { powerW: 250 })],
    }));
    render(App, { client: main.client });
    const card = await screen.findByRole("region", { name: "Money" });
    const value = (label: string) => within(card).getByText(label).nextElementSibling?.textContent ?? "";
    await waitFor(() => expect(value("Electricity per day")).toMatch(/200 W, measured/));
    expect(value("Earnings per day")).toBe("$24.00");
    expect(value("Earnings per hour")).toBe("$1.00");
    expect(value("Electricity per day")).toMatch(/^\$1\.20/);
    expect(value("Net per day")).toBe("$22.80");
    expect(value("Projected 30 days")).toBe("$684.00");
  });

  it("estimates the draw when none is measured, and marks a day that loses money", async () => {
    const settings = {
      ...defaultSettings(),
      currency: "EUR",
      pricePerToken: 0.001,
      electricityPricePerKwh: 0.4,
      powerDrawWatts: 300,
    };
    const main = fakeMain({ earnings, settings }, () => ({ getSamples: () => [] }));
    render(App, { client: main.client });
    const card = await screen.findByRole("region", { name: "Money" });
    expect(within(card).getByRole("heading").textContent).toBe("In EUR");
    expect(card.textContent).toMatch(/300 W, set by you/);
    const net = within(card).getByText("Net per day").nextElementSibling!;
    expect(net.textContent).toMatch(/^-€2\.83/);
    expect(net.getAttribute("class")).toMatch(/loss/);
  });
});

describe("money settings", () => {
  it("saves the currency and prices typed by hand, clears a price to unset, and refuses a bad currency in one line", async () => {
    const settings = { ...defaultSettings(), powerDrawWatts: 120 };
    const main = fakeMain({ settings }, (m) => ({
      updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never,
    }));
    render(App, { client: main.client });
    g.location.hash = "#/settings";
    await screen.findByRole("heading", { name: "Settings", level: 1 });
    await type("Currency", "EU");
    await click("Save prices");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "currency: currency must be a three-letter code such as USD or EUR",
    );
    await type("Currency", "eur");
    await type("Price per POUW", "0.5");
    await type("Electricity price per kWh", "0.3");
    await type("Power draw while mining (watts)", "");
    await click("Save prices");
    expect(await screen.findByText("Prices saved")).toBeTruthy();
    const calls = main.client.calls.filter((c) => c.method === "updateSettings").map((c) => c.params);
    expect(calls).toEqual([{ currency: "EUR", pricePerToken: 0.5, electricityPricePerKwh: 0.3, powerDrawWatts: null }]);
  });
});

describe("while you were away", () => {
  it("shows what was earned since the dashboard was last seen, after a return", async () => {
    const start = 1_800_000_000_000;
    const now = vi.spyOn(Date, "now").mockReturnValue(start);
    g.localStorage.setItem(
      SEEN_KEY,
      JSON.stringify({ at: start - 2 * 3_600_000, totalWei: wei(10), tasksCompleted: 7 }),
    );
    const main = fakeMain({ earnings: previewEarnings({ totalWei: wei(12), tasksCompleted: 9 }) }, () => ({
      getSamples: () => [],
    }));
    render(App, { client: main.client });
    const card = await screen.findByRole("region", { name: "While you were away" });
    expect(card.textContent).toMatch(/In 2 h this miner earned 2 POUW from 2 completed tasks/);
    await click("Dismiss");
    expect(screen.queryByRole("region", { name: "While you were away" })).toBeNull();

    // Hidden for an hour while a task pays 3 POUW: the card comes back with just that.
    setHidden(true);
    now.mockReturnValue(start + 3_600_000);
    main.update({ earnings: previewEarnings({ totalWei: wei(15), tasksCompleted: 10 }) });
    setHidden(false);
    const again = await screen.findByRole("region", { name: "While you were away" });
    await waitFor(() => expect(again.textContent).toMatch(/In 1 h this miner earned 3 POUW from 1 completed task\./));
  });

  it("shows nothing on a first visit or after a short glance away", async () => {
    const start = 1_800_000_000_000;
    const now = vi.spyOn(Date, "now").mockReturnValue(start);
    const main = fakeMain({ earnings: previewEarnings() }, () => ({ getSamples: () => [] }));
    render(App, { client: main.client });
    await screen.findByRole("region", { name: "Money" });
    setHidden(true);
    now.mockReturnValue(start + 60_000);
    setHidden(false);
    await screen.findByRole("region", { name: "Earnings" });
    expect(screen.queryByRole("region", { name: "While you were away" })).toBeNull();
  });
});
