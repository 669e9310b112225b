import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { SnapshotMessage, type AppSnapshot } from "../../../src-shared/app-contract.js";
import { headlessPaths } from "../../../src-shared/headless-protocol.js";
import { launchChromium } from "../../helpers/chromium.js";
import { serveTinyCatalogue, type TinyCatalogue } from "../../helpers/test-catalogue.js";
import { launchHeadlessProcess, type HeadlessProcess } from "../../helpers/headless-process.js";
import { watchPage, type PageWatch } from "./page-watch.js";

/** One browser test's world: a headless miner on a fresh data folder, Chromium, one watched page. */
export interface BrowserSession {
  dir: string;
  dataDir: string;
  miner: HeadlessProcess;
  browser: Browser;
  page: Page;
  watch: PageWatch;
  /** The tiny-model catalogue the miner was pointed at (POUW_CATALOGUE), when asked for. */
  catalogue: TinyCatalogue | undefined;
  status(): Promise<AppSnapshot>;
  /** Stops the miner and starts it again on the same folder (new port and token); `miner` is then the new one. */
  restartMiner(): Promise<{ code: number | null; leftovers: string[] }>;
  /** Stops the miner (SIGINT, then leftovers by PID), closes Chromium and removes the folder. */
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Extra `pouw-miner headless` arguments (--data-dir and --threads 1 are given). */
  args?: string[];
  env?: Record<string, string>;
  /** Serve the tiny-model catalogue (models go to a fresh folder) at this many bytes/s; 0: full speed. */
  catalogueBytesPerSecond?: number;
}

export async function startBrowserSession(name: string, opts: SessionOptions = {}): Promise<BrowserSession> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `pouw-browser-${name}-`));
  const dataDir = path.join(dir, "data");
  let catalogue: TinyCatalogue | undefined;
  const env = { ...opts.env };
  if (opts.catalogueBytesPerSecond !== undefined) {
    catalogue = await serveTinyCatalogue(
      dir,
      opts.catalogueBytesPerSecond > 0 ? { bytesPerSecond: opts.catalogueBytesPerSecond } : {},
    );
    Object.assign(env, { POUW_CATALOGUE: catalogue.cataloguePath, POUW_MODELS_DIR: path.join(dir, "models") });
  }
  const launch = () =>
    launchHeadlessProcess({ args: ["--data-dir", dataDir, "--threads", "1", ...(opts.args ?? [])], env });
  const [minerResult, browserResult] = await Promise.allSettled([launch(), launchChromium()]);
  if (minerResult.status === "rejected" || browserResult.status === "rejected") {
    if (minerResult.status === "fulfilled") await minerResult.value.stop(5_000);
    if (browserResult.status === "fulfilled") await browserResult.value.close();
    await catalogue?.close();
    await rm(dir, { recursive: true, force: true });
    throw minerResult.status === "rejected" ? minerResult.reason : (browserResult as PromiseRejectedResult).reason;
  }
  const browser = browserResult.value;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let closed = false;
  const session: BrowserSession = {
    dir,
    dataDir,
    miner: minerResult.value,
    browser,
    page,
    watch: watchPage(page),
    catalogue,
    status: async () =>
      SnapshotMessage.parse(
        await (await fetch(`http://127.0.0.1:${session.miner.ready.port}${headlessPaths.status}`)).json(),
      ).snapshot,
    restartMiner: async () => {
      const { code, leftovers } = await session.miner.stop();
      session.miner = await launch();
      return { code, leftovers };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await browser.close();
      await session.miner.stop(5_000);
      await catalogue?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return session;
}
