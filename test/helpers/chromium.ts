import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's Chromium (installed by .ci/run with apt-get): playwright-core drives it, because no
 * browser can be downloaded here. Playwright gives every launch a fresh temporary profile
 * (--user-data-dir) and removes it on close.
 */
export const CHROMIUM_PATH = process.env.POUW_CHROMIUM ?? "/usr/bin/chromium";

// No sandbox: CI runs as root in a container. The rest keeps Chromium off the network and quiet:
// no QUIC, no component or sync traffic, no first-run UI.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Headless Chromium (playwright adds --headless and the fresh --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled()) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set POUW_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}
