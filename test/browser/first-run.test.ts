import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { SnapshotMessage, type AppSnapshot } from "../../src-shared/app-contract.js";
import { TINY_LLAMA_FILE } from "../../src-shared/gguf/tiny-llama.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";
import { launchChromium } from "../helpers/chromium.js";
import { launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";
import { ensureEndedTask } from "./support/devnet-demand.js";
import { screenshot, watchPage, type PageWatch } from "./support/page-watch.js";
import { SetupFlow } from "./support/setup-flow.js";
import { TINY_MODEL_NAME, startTestCatalogue, type TestCatalogue } from "./support/test-catalogue.js";

// The whole first run in Chromium against `pouw-miner headless` on the embedded devnet, started
// without a password (set-up mode): welcome → … → start mining, then a paid task to End and its
// reward on the dashboard, then every page. Screenshots: test-results/screenshots/.
const PASSWORD = "correct horse battery staple";
let dir: string;
let catalogue: TestCatalogue;
let miner: HeadlessProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let watch: PageWatch;

async function status(): Promise<AppSnapshot> {
  const res = await fetch(`http://127.0.0.1:${miner!.ready.port}${headlessPaths.status}`);
  return SnapshotMessage.parse(await res.json()).snapshot;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-browser-first-run-"));
  // Slow enough (about 3 s for the tiny model) that the download's progress bar can be seen.
  catalogue = await startTestCatalogue(dir, 200_000);
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

describe("first run in the browser, on the embedded devnet", () => {
  it("goes from welcome to mining: wallet, back-up, model download, benchmark, registration", async () => {
    expect((await status()).setup?.complete).toBe(false);
    await page.goto(miner!.ready.dashboardUrl);
    const flow = new SetupFlow(page);
    await flow.welcome();
    await flow.hardware();
    await flow.createWallet(PASSWORD);
    const words = await flow.backup(PASSWORD);
    expect(words.length).toBeGreaterThanOrEqual(12);
    expect(words.every((w) => /^[a-z]+$/.test(w.replace(/^\d+\.?\s*/, "")))).toBe(true);
    const { sawProgress } = await flow.model(TINY_MODEL_NAME);
    expect(sawProgress).toBe(true);
    expect(catalogue.server.requests.some((r) => r.path === TINY_LLAMA_FILE && r.status < 300)).toBe(true);
    expect(await flow.benchmark()).toMatch(/\d+(\.\d+)? tokens\/s/);
    const { stake, fee } = await flow.register();
    expect(Number(stake)).toBeGreaterThan(0);
    expect(fee).toMatch(/Estimated fee.*\d/);
    await flow.startMining();

    const snapshot = await status();
    expect(snapshot.setup).toMatchObject({ complete: true, wallet: "unlocked" });
    expect(snapshot.registration?.registered).toBe(true);
    const region = page.getByRole("region", { name: "Mining status" });
    await expect.poll(() => region.textContent(), { timeout: 30_000 }).toMatch(/Mining/);
    expect(watch.problems()).toEqual([]);
  });

  it("serves a paid task to End and shows it and the earnings on the dashboard", async () => {
    const snapshot = await status();
    const { task, path: how } = await ensureEndedTask({
      dataDir: path.join(dir, "data"),
      modelId: modelIdOf(TINY_LLAMA_FILE.replace(/\.gguf$/, "")),
      miner: snapshot.walletAddress!,
      status,
      log: (line) => console.log(`first-run: ${line}`),
    });
    console.log(`first-run: task ${task.id} reached End (${how})`);

    const stepper = page.getByRole("list", { name: `PoUW states of task ${task.id}` });
    await stepper.waitFor({ state: "visible", timeout: 15_000 });
    await expect.poll(() => stepper.locator('[aria-current="step"]').textContent(), { timeout: 15_000 }).toMatch(/End/);
    const earnings = page.getByRole("region", { name: "Earnings" });
    await expect.poll(() => earnings.textContent(), { timeout: 15_000 }).not.toContain("No earnings yet");
    const total = /([\d.,]+)\s*\S+\s+all time/.exec((await earnings.textContent()) ?? "");
    expect(Number(total?.[1]?.replace(/,/g, ""))).toBeGreaterThan(0);
    await screenshot(page, "page-dashboard");
    expect(watch.problems()).toEqual([]);
  });

  it("shows every page: tasks and a task's detail, models, wallet, settings, logs", async () => {
    const nav = page.getByRole("navigation", { name: "Main" });
    const visit = async (link: string, heading: string, shot: string) => {
      await nav.getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { name: heading, exact: true }).waitFor({ state: "visible", timeout: 15_000 });
      await screenshot(page, shot);
    };

    await visit("Tasks", "Tasks", "page-tasks");
    const table = page.getByRole("table");
    await table.waitFor({ state: "visible", timeout: 15_000 });
    const ended = (await status()).tasks.find((t) => t.stage === "End")!;
    await table.getByRole("link", { name: ended.id }).first().click();
    await page.getByRole("heading", { name: `Task ${ended.id}` }).waitFor({ state: "visible", timeout: 15_000 });
    expect(page.url()).toContain("#/tasks/");
    await screenshot(page, "page-task-detail");

    await visit("Models", "Models", "page-models");
    await page.getByText(TINY_MODEL_NAME).first().waitFor({ state: "visible" });
    await visit("Wallet", "Wallet", "page-wallet");
    await page.getByRole("button", { name: "Copy address" }).waitFor({ state: "visible" });
    await visit("Settings", "Settings", "page-settings");
    await page.getByRole("button", { name: "Save settings" }).waitFor({ state: "visible" });
    await visit("Logs", "Logs", "page-logs");
    await page.getByRole("log").waitFor({ state: "visible" });
    await visit("Dashboard", "Dashboard", "page-dashboard-again");
    expect(watch.problems()).toEqual([]);
  });

  it("stops with exit 0 and leaves no process behind", async () => {
    const stopped = await miner!.stop();
    miner = undefined;
    expect(stopped).toEqual({ code: 0, signal: null, leftovers: [] });
  });
});
