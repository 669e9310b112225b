// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import type { UpdateView } from "../../src-shared/app-views.js";
import App from "../../src-renderer/src/App.svelte";
import { fakeMain } from "./renderer-fake-main.js";

const g = globalThis as unknown as { location: { hash: string } };
const open = async (hash: string, heading: string) => {
  g.location.hash = hash;
  return screen.findByRole("heading", { name: heading, level: 1 });
};
const downloading: UpdateView = {
  currentVersion: "1.0.0",
  status: {
    state: "downloading",
    version: "1.1.0",
    percent: 42,
    bytesPerSecond: 2 * 1024 * 1024,
    transferred: 42,
    total: 100,
  },
};

beforeEach(() => {
  g.location.hash = "";
});

describe("the update card and notice", () => {
  it("shows the download's progress in Settings, then Restart to update, which asks main to install", async () => {
    const main = fakeMain({ update: downloading }, (m) => ({
      installUpdate: () => {
        const update: UpdateView = {
          ...m.snapshot().update!,
          status: { state: "installing", version: "1.1.0", waitingFor: 1 },
        };
        m.update({ update });
        return update;
      },
    }));
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    const card = await screen.findByRole("region", { name: "Updates" });
    expect(within(card).getByText("This is version 1.0.0.")).toBeTruthy();
    const bar = within(card).getByRole("progressbar", { name: "Update download" });
    expect(bar.getAttribute("aria-valuenow")).toBe("42");
    expect(bar.getAttribute("aria-valuetext")).toBe("42% · 2.0 MiB/s");
    expect(within(card).queryByRole("button", { name: "Restart to update" })).toBeNull();
    expect(within(card).getByRole("button", { name: "Check for updates" }).hasAttribute("disabled")).toBe(true);

    main.update({
      update: {
        currentVersion: "1.0.0",
        status: { state: "downloaded", version: "1.1.0" },
        ready: { version: "1.1.0" },
      },
    });
    const restart = await within(card).findByRole("button", { name: "Restart to update" });
    expect(within(card).getByTestId("update-line").textContent).toBe(
      "Version 1.1.0 is ready: it installs when you quit, or restart now.",
    );
    expect(within(card).queryByRole("progressbar")).toBeNull();
    await fireEvent.click(restart);
    await waitFor(() =>
      expect(within(card).getByTestId("update-line").textContent).toBe(
        "Restarting into 1.1.0 once 1 task in flight finishes…",
      ),
    );
    expect(main.client.calls.filter((c) => c.method === "installUpdate")).toEqual([
      { method: "installUpdate", params: {} },
    ]);
    expect(within(card).queryByRole("button", { name: "Restart to update" })).toBeNull();
  });

  it("checks for updates on request and shows a failure on one line, with a still-ready download", async () => {
    const main = fakeMain({ update: { currentVersion: "1.0.0", status: { state: "up-to-date" } } }, (m) => ({
      checkForUpdate: () => {
        const update: UpdateView = {
          currentVersion: "1.0.0",
          status: {
            state: "error",
            code: "CHECKSUM_MISMATCH",
            message: "update 1.2.0 refused: the download does not match the feed's sha512",
          },
          ready: { version: "1.1.0" },
        };
        m.update({ update });
        return update;
      },
    }));
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    const card = await screen.findByRole("region", { name: "Updates" });
    expect(within(card).getByTestId("update-line").textContent).toBe("Up to date.");
    await fireEvent.click(within(card).getByRole("button", { name: "Check for updates" }));
    expect((await within(card).findByRole("alert")).textContent).toBe(
      "update 1.2.0 refused: the download does not match the feed's sha512",
    );
    expect(within(card).getByTestId("update-line").textContent).toBe("Version 1.1.0 is still ready to install.");
    expect(within(card).getByRole("button", { name: "Restart to update" })).toBeTruthy();
  });

  it("puts a notice on the dashboard only while something needs the user", async () => {
    const main = fakeMain({ update: { currentVersion: "1.0.0", status: { state: "up-to-date" } } });
    render(App, { client: main.client });
    await open("#/dashboard", "Dashboard");
    expect(screen.queryByRole("region", { name: "Updates" })).toBeNull();

    main.update({
      update: {
        currentVersion: "1.1.0",
        status: { state: "idle" },
        rollback: {
          version: "1.1.0",
          previousVersion: "1.0.0",
          message:
            "Version 1.1.0 failed to open its session twice in a row; reinstall 1.0.0 from https://updates.example.",
          url: "https://updates.example",
        },
      },
    });
    const notice = await screen.findByRole("region", { name: "Updates" });
    expect(within(notice).getByRole("alert").textContent).toMatch(
      /^Version 1\.1\.0 failed to open its session twice in a row/,
    );
    expect(within(notice).queryByRole("button", { name: "Check for updates" })).toBeNull();

    main.update({ update: downloading });
    await waitFor(() => expect(within(notice).getByRole("progressbar", { name: "Update download" })).toBeTruthy());
  });

  it("shows nothing where main has no updater (headless)", async () => {
    const main = fakeMain({});
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    expect(screen.queryByRole("region", { name: "Updates" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Check for updates" })).toBeNull();
  });
});
