// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import { fakeMain } from "./renderer-fake-main.js";

const g = globalThis as unknown as { location: { hash: string } };
const click = (name: string) => fireEvent.click(screen.getByRole("button", { name }));
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const open = async () => {
  g.location.hash = "#/settings";
  return screen.findByRole("heading", { name: "Settings", level: 1 });
};
type Box = { checked: boolean; getAttribute(n: string): string | null };
const updates = (main: ReturnType<typeof fakeMain>) =>
  main.client.calls.filter((c) => c.method === "updateSettings").map((c) => c.params as Record<string, unknown>);

beforeEach(() => {
  g.location.hash = "";
});

describe("settings page: battery and model unloading", () => {
  it("shows pause on battery (on by default) and the unload minutes, and saves changes to both", async () => {
    const main = fakeMain({}, (m) => ({ updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never }));
    render(App, { client: main.client });
    await open();
    const box = screen.getByLabelText("Pause on battery") as unknown as Box;
    expect(box.checked).toBe(true);
    expect(screen.getByText(/^No new work while the computer runs on battery; tasks already taken finish\.$/).id).toBe(
      box.getAttribute("aria-describedby"),
    );
    const minutes = screen.getByLabelText("Unload the model after a pause of (minutes)") as unknown as {
      value: string;
    };
    expect(minutes.value).toBe("10");
    await fireEvent.click(screen.getByLabelText("Pause on battery"));
    await type("Unload the model after a pause of (minutes)", "0");
    await click("Save settings");
    expect(await screen.findByText("Saved")).toBeTruthy();
    expect(updates(main)[0]).toMatchObject({ pauseOnBattery: false, unloadAfterPauseMinutes: 0 });
  });

  it("shows the stored values and refuses an empty or out-of-range minutes field in one line", async () => {
    const settings = { ...defaultSettings(), pauseOnBattery: false, unloadAfterPauseMinutes: 45 };
    const main = fakeMain({ settings }, (m) => ({
      updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never,
    }));
    render(App, { client: main.client });
    await open();
    expect((screen.getByLabelText("Pause on battery") as unknown as Box).checked).toBe(false);
    expect(
      (screen.getByLabelText("Unload the model after a pause of (minutes)") as unknown as { value: string }).value,
    ).toBe("45");
    await type("Unload the model after a pause of (minutes)", "");
    await click("Save settings");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "unloadAfterPauseMinutes: enter a number of minutes (0 = never)",
    );
    await type("Unload the model after a pause of (minutes)", "5000");
    await click("Save settings");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^unloadAfterPauseMinutes: /);
    expect(updates(main)).toEqual([]);
  });
});
