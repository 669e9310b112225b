import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/chromium.js";
import { launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";
import { watchPage, type PageWatch } from "./support/page-watch.js";
import { SetupFlow } from "./support/setup-flow.js";
import { startTestCatalogue, type TestCatalogue } from "./support/test-catalogue.js";

// Main keeps which first-run steps are done, so a reload mid-way comes back to the same step.
const PASSWORD = "correct horse battery staple";
let dir: string;
let catalogue: TestCatalogue;
let miner: HeadlessProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-browser-resume-"));
  catalogue = await startTestCatalogue(dir);
  [miner, browser] = await Promise.all([
    launchHeadlessProcess({
      args: ["--data-dir", path.join(dir, "data"), "--threads", "1", "--setup-in-browser"],
      env: { POUW_CATALOGUE: catalogue.file, POUW_MODELS_DIR: path.join(dir, "models") },
    }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch = watchPage(page);
});

afterAll(async () => {
  await browser?.close();
  await miner?.stop(5_000);
  await catalogue?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("first run survives a reload", () => {
  it("comes back to the step it was on, each time", async () => {
    const flow = new SetupFlow(page, "resume");
    await page.goto(miner!.ready.dashboardUrl);
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
    expect(watch.problems()).toEqual([]);
  });
});
