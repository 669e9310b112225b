import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { TINY_LLAMA_FILE } from "../../src-shared/node/gguf/tiny-llama.js";
import { taskIdLabel } from "../../src-shared/task-id.js";
import { TINY_CATALOGUE_NAME } from "../helpers/test-catalogue.js";
import { startBrowserSession, type BrowserSession } from "./support/browser-session.js";
import { ensureEndedTask } from "./support/devnet-demand.js";
import { screenshot } from "./support/page-watch.js";
import { SetupFlow } from "./support/setup-flow.js";

// The whole first run in Chromium against `pouw-miner headless --setup-in-browser` on the embedded
// devnet (no password: set-up mode): welcome → … → start mining, then a paid task to End and its
// reward on the dashboard, then every page. Screenshots: test-results/screenshots/. The devnet runs
// its default services (oracle, background demand, router, peers): the task comes by itself.
const PASSWORD = "correct horse battery staple";
let s: BrowserSession;

beforeAll(async () => {
  // Slow enough (about 3 s for the tiny model) that the download's progress bar can be seen.
  s = await startBrowserSession("first-run", { args: ["--setup-in-browser"], catalogueBytesPerSecond: 200_000 });
});
afterAll(async () => {
  await s?.close();
});

describe("first run in the browser, on the embedded devnet", () => {
  it("goes from welcome to mining: wallet, back-up, model download, benchmark, registration", async () => {
    expect((await s.status()).setup?.complete).toBe(false);
    await s.page.goto(s.miner.ready.dashboardUrl);
    const flow = new SetupFlow(s.page);
    await flow.welcome();
    await flow.hardware();
    await flow.createWallet(PASSWORD);
    const words = await flow.backup(PASSWORD);
    expect(words.length).toBeGreaterThanOrEqual(12);
    expect(words.every((w) => /^[a-z]+$/.test(w.replace(/^\d+\.?\s*/, "")))).toBe(true);
    const { sawProgress } = await flow.model(TINY_CATALOGUE_NAME);
    expect(sawProgress).toBe(true);
    expect(s.catalogue!.server.requests.some((r) => r.path === TINY_LLAMA_FILE && r.status < 300)).toBe(true);
    expect(await flow.benchmark()).toMatch(/\d+(\.\d+)? tokens\/s/);
    const { stake, fee } = await flow.register();
    expect(Number(stake)).toBeGreaterThan(0);
    expect(fee).toMatch(/Estimated fee.*\d/);
    await flow.startMining();

    const snapshot = await s.status();
    expect(snapshot.setup).toMatchObject({ complete: true, wallet: "unlocked" });
    expect(snapshot.registration?.registered).toBe(true);
    const region = s.page.getByRole("region", { name: "Mining status" });
    await expect.poll(() => region.textContent(), { timeout: 30_000 }).toMatch(/Mining/);
    expect(s.watch.problems()).toEqual([]);
  });

  it("serves a paid task to End and shows it and the earnings on the dashboard", async () => {
    const snapshot = await s.status();
    const { task, path: how } = await ensureEndedTask({
      dataDir: s.dataDir,
      modelId: modelIdOf(TINY_LLAMA_FILE.replace(/\.gguf$/, "")),
      miner: snapshot.walletAddress!,
      status: () => s.status(),
      waitMs: 60_000,
      log: (line) => console.log(`first-run: ${line}`),
    });
    console.log(`first-run: task ${task.id} reached End (${how})`);
    // Nobody asked: the embedded devnet's own background demand brought it, and its oracle scored it.
    expect(how).toBe("devnet demand");
    expect(task.kind).toBe("background");

    const stepper = s.page.getByRole("list", { name: `PoUW states of task ${taskIdLabel(task.id)}`, exact: true });
    await stepper.waitFor({ state: "visible", timeout: 15_000 });
    await expect.poll(() => stepper.locator('[aria-current="step"]').textContent(), { timeout: 15_000 }).toMatch(/End/);
    const earnings = s.page.getByRole("region", { name: "Earnings" });
    await expect.poll(() => earnings.textContent(), { timeout: 15_000 }).not.toContain("No earnings yet");
    const total = /([\d.,]+)\s*\S+\s+all time/.exec((await earnings.textContent()) ?? "");
    expect(Number(total?.[1]?.replace(/,/g, ""))).toBeGreaterThan(0);
    await screenshot(s.page, "page-dashboard");
    expect(s.watch.problems()).toEqual([]);
  });

  it("shows every page: tasks and a task's detail, models, wallet, settings, logs", async () => {
    const nav = s.page.getByRole("navigation", { name: "Main" });
    const visit = async (link: string, heading: string, shot: string) => {
      await nav.getByRole("link", { name: link, exact: true }).click();
      await s.page.getByRole("heading", { name: heading, exact: true }).waitFor({ state: "visible", timeout: 15_000 });
      await screenshot(s.page, shot);
    };

    await visit("Tasks", "Tasks", "page-tasks");
    const table = s.page.getByRole("table");
    await table.waitFor({ state: "visible", timeout: 15_000 });
    const ended = (await s.status()).tasks.find((t) => t.stage === "End")!;
    await table.getByRole("link", { name: ended.id, exact: true }).first().click();
    await s.page
      .getByRole("heading", { name: `Task ${ended.id}`, exact: true })
      .waitFor({ state: "visible", timeout: 15_000 });
    expect(s.page.url()).toContain("#/tasks/");
    await screenshot(s.page, "page-task-detail");

    await visit("Models", "Models", "page-models");
    await s.page.getByText(TINY_CATALOGUE_NAME).first().waitFor({ state: "visible" });
    // Installed and active: nothing left to download.
    expect(await s.page.getByRole("button", { name: `Download ${TINY_CATALOGUE_NAME}` }).count()).toBe(0);
    await visit("Wallet", "Wallet", "page-wallet");
    await s.page.getByRole("button", { name: "Copy address" }).waitFor({ state: "visible" });
    await s.page
      .getByText((await s.status()).walletAddress!)
      .first()
      .waitFor({ state: "visible" });
    await visit("Settings", "Settings", "page-settings");
    await s.page.getByRole("button", { name: "Save settings" }).waitFor({ state: "visible" });
    await visit("Logs", "Logs", "page-logs");
    await s.page.getByRole("log").waitFor({ state: "visible" });
    await visit("Dashboard", "Dashboard", "page-dashboard-again");
    expect(s.watch.problems()).toEqual([]);
  });

  it("stops with exit 0 and leaves no process behind", async () => {
    expect(await s.miner.stop()).toEqual({ code: 0, signal: null, leftovers: [] });
  });
});
