// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { PouwError } from "../../src-shared/errors.js";
import App from "../../src-renderer/src/App.svelte";
import { previewHardware, previewModels, wei } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain, setupState } from "./renderer-fake-main.js";

const loc = () => (globalThis as unknown as { location: { hash: string } }).location;
const ADDRESS = "0x" + "1".repeat(40);
const WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split(" ");

beforeEach(() => {
  loc().hash = "";
});

const heading = (name: string) => screen.findByRole("heading", { name, level: 1 });
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
// The root tsconfig type-checks tests without the DOM library, so elements are read through attributes.
const isDisabled = (name: string) => screen.getByRole("button", { name }).hasAttribute("disabled");
const valueOf = (label: string) => (screen.getByLabelText(label) as unknown as { value: string }).value;
const click = (name: string) => fireEvent.click(screen.getByRole("button", { name }));

describe("first run", () => {
  it("welcomes, shows the hardware and what fits, and marks the hardware step done", async () => {
    const main = fakeMain({ setup: setupState([], "none") }, (m) => ({
      getHardware: () => previewHardware(),
      listModels: () => previewModels(),
      completeSetupStep: ({ step }) => m.setSetup({ done: [step] }),
    }));
    render(App, { client: main.client });
    await heading("Welcome to PoUW Miner");
    await waitFor(() => expect(loc().hash).toBe("#/setup"));
    await click("Get started");
    await heading("Your hardware");
    expect(await screen.findByText(/Test CPU 9000/)).toBeTruthy();
    expect(screen.getByText("No GPU found: models run on the processor.")).toBeTruthy();
    expect(await screen.findByText("Too large")).toBeTruthy();
    expect(screen.getAllByText("Runs on CPU")).toHaveLength(2);
    await waitFor(() => expect(screen.getByText(/We recommend/).textContent).toMatch(/Qwen Small/));
    await click("Continue");
    await heading("Your wallet");
    expect(main.client.calls.find((c) => c.method === "completeSetupStep")?.params).toEqual({ step: "hardware" });
  });

  it("creates a wallet only when both passwords match, then moves on to the back-up", async () => {
    const main = fakeMain({ setup: setupState(["hardware"], "none") }, () => ({
      createWallet: () => ({ address: ADDRESS }),
    }));
    render(App, { client: main.client });
    await heading("Your wallet");
    await click("Create a new wallet");
    await type("Password", "correct horse");
    await type("Confirm password", "correct hors");
    await click("Create wallet");
    expect((await screen.findByRole("alert")).textContent).toBe("the two passwords differ");
    expect(main.client.calls.some((c) => c.method === "createWallet")).toBe(false);
    await type("Confirm password", "correct horse");
    await click("Create wallet");
    await heading("Back up your recovery phrase");
    expect(main.client.calls.find((c) => c.method === "createWallet")?.params).toEqual({ password: "correct horse" });
  });

  it("imports a wallet from the chosen source", async () => {
    const main = fakeMain({ setup: setupState(["hardware"], "none") }, () => ({
      importWallet: () => ({ address: ADDRESS }),
    }));
    render(App, { client: main.client });
    await heading("Your wallet");
    await click("Import a wallet");
    await fireEvent.change(screen.getByLabelText("Import from"), { target: { value: "privateKey" } });
    await type("Secret", "  0xabc  ");
    await type("Password", "long enough");
    await click("Import wallet");
    await heading("Back up your recovery phrase");
    expect(main.client.calls.find((c) => c.method === "importWallet")?.params).toEqual({
      source: "privateKey",
      secret: "0xabc",
      password: "long enough",
    });
  });

  it("unlocks a locked wallet and says why when the password is wrong", async () => {
    let attempts = 0;
    const main = fakeMain({ setup: setupState(["hardware", "wallet", "backup"], "locked") }, (m) => ({
      unlockWallet: () => {
        attempts += 1;
        if (attempts === 1) throw new PouwError("WRONG_PASSWORD", "the wallet password is wrong");
        m.setSetup({ wallet: "unlocked" });
        return { address: ADDRESS };
      },
      listModels: () => previewModels(),
    }));
    render(App, { client: main.client });
    await heading("Your wallet");
    await type("Password", "nope");
    await click("Unlock");
    expect((await screen.findByRole("alert")).textContent).toBe("the wallet password is wrong");
    await type("Password", "right one");
    await fireEvent.click(screen.getByLabelText("Remember on this computer"));
    await click("Unlock");
    await heading("Choose a model");
    expect(main.client.calls.filter((c) => c.method === "unlockWallet").map((c) => c.params)).toEqual([
      { password: "nope", remember: false },
      { password: "right one", remember: true },
    ]);
  });

  it("resumes at the back-up, shows the phrase after the password and confirms it", async () => {
    const main = fakeMain({ setup: setupState(["hardware", "wallet"]) }, (m) => ({
      revealRecoveryPhrase: () => ({ words: WORDS }),
      confirmBackup: () => m.setSetup({ done: ["hardware", "wallet", "backup"] }),
      listModels: () => previewModels(),
    }));
    render(App, { client: main.client });
    await heading("Back up your recovery phrase");
    await type("Password", "correct horse");
    await click("Show recovery phrase");
    const phrase = await screen.findByRole("list", { name: "Recovery phrase" });
    expect(
      within(phrase)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(WORDS);
    expect(main.client.calls.find((c) => c.method === "revealRecoveryPhrase")?.params).toEqual({
      password: "correct horse",
    });
    await click("I have written it down");
    await heading("Choose a model");
    expect(main.client.calls.some((c) => c.method === "confirmBackup")).toBe(true);
    expect(screen.queryByText("alpha")).toBeNull();
  });

  it("lets the back-up be skipped without confirming it", async () => {
    const main = fakeMain({ setup: setupState(["hardware", "wallet"]) }, () => ({ listModels: () => previewModels() }));
    render(App, { client: main.client });
    await heading("Back up your recovery phrase");
    await click("Skip for now");
    await heading("Choose a model");
    expect(main.client.calls.some((c) => c.method === "confirmBackup")).toBe(false);
  });

  it("downloads a model with progress, speed and ETA, cancels it, and continues once the active model is installed", async () => {
    let models = previewModels().map((m) => ({ ...m, installed: false, active: false }));
    const main = fakeMain({ setup: setupState(["hardware", "wallet", "backup"]) }, () => ({
      listModels: () => models,
      downloadModel: () => ({ started: true }),
      cancelDownload: () => ({ cancelled: true }),
      setActiveModel: ({ id }) => {
        models = models.map((m) => ({ ...m, active: m.id === id }));
        return { activeModelId: id };
      },
    }));
    render(App, { client: main.client });
    await heading("Choose a model");
    expect(isDisabled("Continue")).toBe(true);
    await fireEvent.click(await screen.findByRole("button", { name: "Download Qwen Small" }));
    expect(main.client.calls.find((c) => c.method === "downloadModel")?.params).toEqual({ id: "qwen-small" });
    expect(isDisabled("Download Llama Huge")).toBe(true);

    main.update({
      downloads: {
        "qwen-small": {
          state: "running",
          progress: { stage: "download", fraction: 0.42, speed: 1024 ** 2, unit: "bytes", etaSeconds: 30 },
        },
      },
    });
    const bar = await screen.findByRole("progressbar", { name: "Download progress Qwen Small" });
    expect(bar.getAttribute("aria-valuenow")).toBe("42");
    expect(bar.getAttribute("aria-valuetext")).toBe("42% · 1.0 MiB/s · 30 s left");
    await click("Cancel download of Qwen Small");
    expect(main.client.calls.find((c) => c.method === "cancelDownload")?.params).toEqual({ id: "qwen-small" });

    models = models.map((m) => (m.id === "qwen-small" ? { ...m, installed: true } : m));
    main.update({ downloads: { "qwen-small": { state: "done" } } });
    await fireEvent.click(await screen.findByRole("button", { name: "Use Qwen Small" }));
    expect(main.client.calls.find((c) => c.method === "setActiveModel")?.params).toEqual({ id: "qwen-small" });
    await waitFor(() => expect(isDisabled("Continue")).toBe(false));
    // Main counting the step done does not skip past it: the user moves on with Continue.
    main.setSetup({ done: ["hardware", "wallet", "backup", "model"] });
    await heading("Choose a model");
    await click("Continue");
    await heading("Benchmark");
  });

  it("runs the benchmark with progress and shows tokens/s", async () => {
    const result = { modelId: "qwen-small", tokensPerSecond: 42, at: 1_700_000_000_000 };
    const main = fakeMain({ setup: setupState(["hardware", "wallet", "backup", "model"]) }, (m) => ({
      runBenchmark: () => {
        m.update({ benchmark: { running: true, progress: { stage: "measure", fraction: 0.5 } } });
        return new Promise(() => {});
      },
    }));
    render(App, { client: main.client });
    await heading("Benchmark");
    expect(isDisabled("Continue")).toBe(true);
    await click("Run benchmark");
    expect(main.client.calls.find((c) => c.method === "runBenchmark")?.params).toEqual({});
    const bar = await screen.findByRole("progressbar", { name: "Benchmark progress" });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("50"));
    main.update({ benchmark: { running: false, result } });
    expect(await screen.findByText("42.0 tokens/s")).toBeTruthy();
  });

  it("registers with the prefilled minimum stake after showing the fee, then starts mining", async () => {
    const main = fakeMain(
      {
        setup: setupState(["hardware", "wallet", "backup", "model", "benchmark"]),
        wallet: {
          address: ADDRESS,
          nativeWei: wei(1),
          tokenWei: wei(500),
          stakeWei: "0",
          claimableWei: "0",
          backedUp: true,
          updatedAt: 0,
        },
        registration: { registered: false, stakeWei: "0", minStakeWei: wei(100), models: [], speed: 0 },
      },
      (m) => ({
        estimateAction: ({ action }) => ({ action, gasLimit: "210000", feeWei: wei(0.0021), affordable: true }),
        register: ({ stakeWei }) => {
          m.setSetup({ done: ["hardware", "wallet", "backup", "model", "benchmark", "register"], complete: true });
          return { txHash: "0x" + "a".repeat(64), amountWei: stakeWei };
        },
        startMining: () => ({ state: "starting" as const, reason: "Loading the model" }),
      }),
    );
    render(App, { client: main.client });
    await heading("Register and stake");
    await waitFor(() => expect(valueOf("Stake")).toBe("100"));
    expect((await screen.findByText(/Estimated fee/)).textContent).toMatch(/Estimated fee: 0.0021 ETH/);
    expect(main.client.calls.find((c) => c.method === "estimateAction")?.params).toEqual({
      action: "register",
      amountWei: wei(100),
    });
    await type("Stake", "600");
    expect((await screen.findByRole("alert")).textContent).toMatch(/the wallet holds 500 POUW, less than the stake/);
    expect(isDisabled("Register")).toBe(true);
    await type("Stake", "150");
    await waitFor(() => expect(isDisabled("Register")).toBe(false));
    await click("Register");
    await heading("Ready to mine");
    expect(main.client.calls.find((c) => c.method === "register")?.params).toEqual({ stakeWei: wei(150) });
    await click("Start mining");
    await heading("Dashboard");
    await new Promise((r) => setTimeout(r, 50));
    expect(loc().hash).toBe("#/dashboard");
  });

  it("explains an unaffordable registration fee and blocks the button", async () => {
    const main = fakeMain(
      {
        setup: setupState(["hardware", "wallet", "backup", "model", "benchmark"]),
        registration: { registered: false, stakeWei: "0", minStakeWei: wei(1), models: [], speed: 0 },
      },
      () => ({
        estimateAction: ({ action }) => ({
          action,
          gasLimit: "1",
          feeWei: wei(0.01),
          affordable: false,
          message: "the wallet needs 0.01 ETH for gas and has 0",
        }),
      }),
    );
    render(App, { client: main.client });
    await heading("Register and stake");
    expect((await screen.findByRole("alert")).textContent).toBe("— the wallet needs 0.01 ETH for gas and has 0");
    expect(isDisabled("Register")).toBe(true);
  });
});
