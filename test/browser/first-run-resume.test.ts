import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserSession, type BrowserSession } from "./support/browser-session.js";
import { SetupFlow } from "./support/setup-flow.js";

// Main keeps which first-run steps are done, so a reload mid-way comes back to the same step.
const PASSWORD = "correct horse battery staple";
let s: BrowserSession;

beforeAll(async () => {
  // Only the set-up steps are under test: the chain alone, no devnet services.
  s = await startBrowserSession("resume", { args: ["--setup-in-browser", "--chain-only"], catalogueBytesPerSecond: 0 });
});
afterAll(async () => {
  await s?.close();
});

describe("first run survives a reload and a restart of the miner", () => {
  it("comes back to the step it was on, each time", async () => {
    const { page } = s;
    const flow = new SetupFlow(page, "resume");
    await page.goto(s.miner.ready.dashboardUrl);
    await flow.welcome();
    await flow.hardware();
    await flow.expectStep("Your wallet");

    await page.reload();
    await flow.expectStep("Your wallet");
    expect(await flow.heading("Welcome to PoUW Miner").count()).toBe(0);

    await flow.createWallet(PASSWORD);
    await flow.expectStep("Back up your recovery phrase");
    await page.reload();
    await flow.expectStep("Back up your recovery phrase");
    // Still the same wallet, unlocked: the back-up step accepts its password.
    const words = await flow.backup(PASSWORD);
    expect(words.length).toBeGreaterThanOrEqual(12);
    await flow.expectStep("Choose a model");
    await page.reload();
    await flow.expectStep("Choose a model");
    expect(s.watch.problems()).toEqual([]);
  });

  it("after a restart asks for the wallet's password, then goes on where it left off", async () => {
    // Leave the page first: a dashboard whose miner is gone logs failed reconnects, not what is tested here.
    await s.page.goto("about:blank");
    expect(await s.restartMiner()).toEqual({ code: 0, leftovers: [] });
    expect((await s.status()).setup).toMatchObject({ complete: false, wallet: "locked" });
    const flow = new SetupFlow(s.page, "resume");
    await s.page.goto(s.miner.ready.dashboardUrl);
    await flow.unlock(PASSWORD);
    await flow.expectStep("Choose a model");
    expect((await s.status()).setup).toMatchObject({
      wallet: "unlocked",
      done: expect.arrayContaining(["hardware", "wallet", "backup"]),
    });
    expect(s.watch.problems()).toEqual([]);
  });
});
