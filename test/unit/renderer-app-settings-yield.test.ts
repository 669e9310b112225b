// @vitest-environment jsdom
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import { fakeMain } from "./renderer-fake-main.js";

// Issue 17 item 1: what mining makes way for, set on the Settings page.
const g = globalThis as unknown as { location: { hash: string } };
type Box = { checked: boolean };

beforeEach(() => {
  g.location.hash = "";
});

describe("settings page: making way for the user", () => {
  it("shows the stored choices and saves the programs one per line, trimmed", async () => {
    const settings = { ...defaultSettings(), pauseOnGpuBusy: false, pauseForPrograms: ["steam.exe"] };
    const main = fakeMain({ settings }, (m) => ({
      updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never,
    }));
    render(App, { client: main.client });
    g.location.hash = "#/settings";
    const form = await screen.findByRole("form", { name: "Make way for" });
    expect((within(form).getByLabelText("Pause while a program runs full screen") as unknown as Box).checked).toBe(
      true,
    );
    expect((within(form).getByLabelText("Pause while another program uses the GPU") as unknown as Box).checked).toBe(
      false,
    );
    const list = within(form).getByLabelText("Programs to make way for (one per line)") as unknown as { value: string };
    expect(list.value).toBe("steam.exe");
    await fireEvent.input(within(form).getByLabelText("Programs to make way for (one per line)"), {
      target: { value: " steam.exe \n\nBlender\n" },
    });
    await fireEvent.click(within(form).getByLabelText("Pause while another program uses the GPU"));
    await fireEvent.input(within(form).getByLabelText("GPU use that counts as busy (%)"), { target: { value: "50" } });
    await fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("Saved")).toBeTruthy();
    expect(main.client.calls.filter((c) => c.method === "updateSettings").map((c) => c.params)).toEqual([
      { pauseOnFullscreen: true, pauseOnGpuBusy: true, gpuBusyPercent: 50, pauseForPrograms: ["steam.exe", "Blender"] },
    ]);
  });

  it("refuses an out-of-range GPU share in one line and saves nothing", async () => {
    const main = fakeMain({}, (m) => ({ updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never }));
    render(App, { client: main.client });
    g.location.hash = "#/settings";
    const form = await screen.findByRole("form", { name: "Make way for" });
    await fireEvent.input(within(form).getByLabelText("GPU use that counts as busy (%)"), { target: { value: "150" } });
    await fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect((await within(form).findByRole("alert")).textContent).toMatch(/^gpuBusyPercent: /);
    expect(main.client.calls.some((c) => c.method === "updateSettings")).toBe(false);
  });
});
