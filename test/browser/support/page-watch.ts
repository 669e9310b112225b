import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const SCREENSHOT_DIR = path.join(repoRoot, "test-results", "screenshots");

/**
 * Everything a page reported as wrong: console errors, uncaught exceptions and failed requests.
 * Tests end with `expect(watch.problems()).toEqual([])`, so a message shows up in the failure.
 */
export interface PageWatch {
  problems(): string[];
}

export function watchPage(page: Page): PageWatch {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // A reload cancels in-flight requests and closes the event socket; that is not a fault.
    const failure = req.failure()?.errorText ?? "failed";
    if (failure !== "net::ERR_ABORTED") problems.push(`request failed: ${req.method()} ${req.url()} (${failure})`);
  });
  return { problems: () => [...problems] };
}

/** A full-page PNG at test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  return file;
}
