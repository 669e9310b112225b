import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotMessage, type AppSnapshot } from "../../src-shared/app-contract.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { launchChromium } from "../helpers/chromium.js";
import { groupMembers, launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";
import { screenshot, watchPage, type PageWatch } from "./support/page-watch.js";

// A miner configured from the command line (password in the environment): no first run, straight
// to the dashboard. The first-run flow in the browser is first-run.test.ts.
let dataDir: string;
let miner: HeadlessProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-browser-smoke-"));
  [miner, browser] = await Promise.all([
    launchHeadlessProcess({ args: ["--data-dir", dataDir, "--threads", "1"], env: { [PASSWORD_ENV]: "correct horse battery" } }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch = watchPage(page);
});

afterAll(async () => {
  await browser?.close();
  await miner?.stop(5_000);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the dashboard served by pouw-miner headless, in Chromium", () => {
  it("shows the miner mining, with no console errors", async () => {
    await page.goto(miner!.ready.dashboardUrl);
    const status = page.getByRole("region", { name: "Mining status" });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain("Mining");
    // The token left the address bar once read (it stays in session storage for reloads).
    expect(page.url()).not.toContain("token=");
    await screenshot(page, "smoke-dashboard");
    expect(watch.problems()).toEqual([]);
  });

  it("stops and starts mining from the page, and a reload keeps the session", async () => {
    const status = page.getByRole("region", { name: "Mining status" });
    await status.getByRole("button", { name: "Stop mining" }).click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain("Stopped by you");
    expect((await fetchStatus()).mining.state).toBe("stopped");

    await page.reload();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain("Stopped by you");
    await status.getByRole("button", { name: "Start mining" }).click();
    await expect.poll(async () => (await fetchStatus()).mining.state, { timeout: 10_000 }).toBe("mining");
    await expect.poll(() => status.getByRole("button", { name: "Stop mining" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(watch.problems()).toEqual([]);
  });

  it("stops on SIGINT with exit 0 and leaves no process behind", async () => {
    // The devnet chain and the worker run in the miner's process group, where stop() looks for leftovers.
    const children = miner!.ready.processes ?? [];
    expect(children.map((p) => p.name).sort()).toEqual(["chain", "worker"]);
    const group = groupMembers(miner!.child.pid!).map((m) => m.pid);
    for (const c of children) expect(group).toContain(c.pid);
    const stopped = await miner!.stop();
    miner = undefined;
    expect(stopped).toEqual({ code: 0, signal: null, leftovers: [] });
  });
});

async function fetchStatus(): Promise<AppSnapshot> {
  const res = await fetch(`http://127.0.0.1:${miner!.ready.port}${headlessPaths.status}`);
  return SnapshotMessage.parse(await res.json()).snapshot;
}
