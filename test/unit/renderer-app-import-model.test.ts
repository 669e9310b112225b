// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ModelListEntry } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import App from "../../src-renderer/src/App.svelte";
import { previewModels } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// Issue 17 item 5: import a local GGUF from the Models page — a typed path (headless) or the desktop
// app's file dialog (window.pouwShell.chooseModelFile); main validates either.
const g = globalThis as unknown as { location: { hash: string }; pouwShell?: unknown };
const mine: ModelListEntry = {
  id: "mine",
  name: "My Model",
  installed: true,
  active: false,
  role: "chat",
  sizeBytes: 5_000_000,
  fit: "cpu",
  fitReason: "runs here (estimated from the file's size)",
  license: "your own file: check its licence allows paid use",
};

function mainWithImport() {
  let models = previewModels();
  return fakeMain({ activeModelId: "tiny-test" }, () => ({
    listModels: () => models,
    importModel: ({ path }) => {
      if (!path.endsWith(".gguf")) throw new PouwError("MODEL_FILE_INVALID", `${path} is not a GGUF file`);
      models = [...models, mine];
      return mine;
    },
  }));
}
const openModels = async () => {
  g.location.hash = "#/models";
  await screen.findByRole("heading", { name: "Models", level: 1 });
  return screen.findByRole("region", { name: "Import a model" });
};

beforeEach(() => {
  g.location.hash = "";
});
afterEach(() => {
  delete g.pouwShell;
});

describe("importing a model from the Models page", () => {
  it("in the browser: imports a typed path, shows its fit and lists it; main's refusal is one line", async () => {
    const main = mainWithImport();
    render(App, { client: main.client });
    const card = await openModels();
    expect(within(card).queryByRole("button", { name: "Choose a GGUF file…" })).toBeNull();
    await fireEvent.input(within(card).getByLabelText("Path of a .gguf file on this computer"), {
      target: { value: "/tmp/notes.txt" },
    });
    await fireEvent.click(within(card).getByRole("button", { name: "Import" }));
    expect((await within(card).findByRole("alert")).textContent).toBe("/tmp/notes.txt is not a GGUF file");

    await fireEvent.input(within(card).getByLabelText("Path of a .gguf file on this computer"), {
      target: { value: " /home/me/mine.gguf " },
    });
    await fireEvent.click(within(card).getByRole("button", { name: "Import" }));
    const done = await within(card).findByText(/Imported/);
    expect(done.textContent).toMatch(/Imported My Model\s*Runs on CPU/);
    expect(main.client.calls.filter((c) => c.method === "importModel").map((c) => c.params)).toEqual([
      { path: "/tmp/notes.txt" },
      { path: "/home/me/mine.gguf" },
    ]);
    // The catalogue is asked for again and lists it.
    expect(await screen.findByRole("button", { name: "Use My Model" })).toBeTruthy();
    expect(
      within(screen.getByLabelText("About My Model")).getByText("Licence").nextElementSibling?.textContent,
    ).toMatch(/your own file/);
  });

  it("in the desktop app: the native dialog's path goes to importModel; a cancel imports nothing", async () => {
    const chooseModelFile = vi.fn(async (): Promise<string | null> => null);
    g.pouwShell = { chooseModelFile };
    const main = mainWithImport();
    render(App, { client: main.client });
    const card = await openModels();
    await fireEvent.click(within(card).getByRole("button", { name: "Choose a GGUF file…" }));
    await waitFor(() => expect(chooseModelFile).toHaveBeenCalledTimes(1));
    expect(main.client.calls.some((c) => c.method === "importModel")).toBe(false);
    chooseModelFile.mockResolvedValueOnce("/home/me/mine.gguf");
    await fireEvent.click(within(card).getByRole("button", { name: "Choose a GGUF file…" }));
    await within(card).findByText(/Imported/);
    expect(main.client.calls.find((c) => c.method === "importModel")?.params).toEqual({ path: "/home/me/mine.gguf" });
  });
});
