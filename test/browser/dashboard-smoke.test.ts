import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { groupMembers } from "../helpers/headless-process.js";
import { startBrowserSession, type BrowserSession } from "./support/browser-session.js";
import { screenshot } from "./support/page-watch.js";

// A miner configured from the command line (password in the environment): no first run, straight
// to the dashboard. The first run in the browser is first-run.test.ts.
let s: BrowserSession;

beforeAll(async () => {
  // The page, not task flow, is under test here: the chain alone (first-run.test.ts runs the default services).
  s = await startBrowserSession("smoke", { args: ["--chain-only"], env: { [PASSWORD_ENV]: "correct horse battery" } });
});
afterAll(async () => {
  await s?.close();
});

describe("the dashboard served by pouw-miner headless, in Chromium", () => {
  it("shows the miner mining, with no console errors", async () => {
    await s.page.goto(s.miner.ready.dashboardUrl);
    const status = s.page.getByRole("region", { name: "Mining status" });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain("Mining");
    // The token left the address bar once read (it stays in session storage for reloads).
    expect(s.page.url()).not.toContain("token=");
    await screenshot(s.page, "smoke-dashboard");
    expect(s.watch.problems()).toEqual([]);
  });

  it("stops and starts mining from the page, and a reload keeps the session", async () => {
    const status = s.page.getByRole("region", { name: "Mining status" });
    await status.getByRole("button", { name: "Stop mining" }).click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain("Stopped by you");
    expect((await s.status()).mining.state).toBe("stopped");

    await s.page.reload();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain("Stopped by you");
    await status.getByRole("button", { name: "Start mining" }).click();
    await expect.poll(async () => (await s.status()).mining.state, { timeout: 10_000 }).toBe("mining");
    await expect
      .poll(() => status.getByRole("button", { name: "Stop mining" }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(s.watch.problems()).toEqual([]);
  });

  it("stops on SIGINT with exit 0 and leaves no process behind", async () => {
    // The devnet chain and the worker run in the miner's process group, where stop() looks for leftovers.
    const children = s.miner.ready.processes ?? [];
    expect(children.map((p) => p.name).sort()).toEqual(["chain", "worker"]);
    const group = groupMembers(s.miner.child.pid!).map((m) => m.pid);
    for (const c of children) expect(group).toContain(c.pid);
    expect(await s.miner.stop()).toEqual({ code: 0, signal: null, leftovers: [] });
  });
});
