import type { Page } from "playwright-core";

/**
 * Measurements taken inside the page. The callbacks run in Chromium, not Node: the cast gives them
 * the browser global they use, since the project's typecheck has no DOM library.
 */
type BrowserScope = {
  document: { querySelector(sel: string): { textContent: string | null; getBoundingClientRect(): { height: number } } | null };
};

export const STATUS_REGION = '[aria-label="Mining status"]';
const STATE_WORD = "Mining|Paused|Stopped|Starting|Error";

/**
 * Waits for the first animation frame in which the "Mining status" region is laid out and holds a
 * state word; returns that frame's time since navigation start (performance.now() in the page) and
 * the first contentful paint.
 */
export async function waitForStatusPainted(page: Page, timeoutMs: number): Promise<{ statusMs: number; fcpMs: number | undefined }> {
  const handle = await page.waitForFunction(
    ({ selector, words }) => {
      const region = (globalThis as unknown as BrowserScope).document.querySelector(selector);
      const ok = region !== null && region.getBoundingClientRect().height > 0 && new RegExp(words).test(region.textContent ?? "");
      return ok ? performance.now() : false;
    },
    { selector: STATUS_REGION, words: STATE_WORD },
    { polling: "raf", timeout: timeoutMs },
  );
  const statusMs = (await handle.jsonValue()) as number;
  const fcpMs = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
  return { statusMs, fcpMs };
}

export interface FrameStats {
  fps: number;
  frames: number;
  /** The longest gap between two frames. */
  maxFrameMs: number;
  /** 95th percentile of frame gaps. */
  p95FrameMs: number;
  /** Main-thread tasks over 50 ms (PerformanceObserver "longtask"). */
  longTasks: number;
}

// Page code as text: tsx (esbuild keepNames) would wrap a named inner function in a `__name` helper
// that does not exist in the page.
const FRAME_COUNTER = `(duration) => new Promise((resolve) => {
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => { longTasks += list.getEntries().length; });
  observer.observe({ type: "longtask" });
  const stamps = [];
  function tick(t) {
    stamps.push(t);
    if (t - stamps[0] < duration) requestAnimationFrame(tick);
    else { observer.disconnect(); resolve({ stamps, longTasks }); }
  }
  requestAnimationFrame(tick);
})`;

/** Counts requestAnimationFrame callbacks for `ms` milliseconds. */
export async function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  const { stamps, longTasks } = (await page.evaluate(`(${FRAME_COUNTER})(${ms})`)) as { stamps: number[]; longTasks: number };
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const span = stamps[stamps.length - 1]! - stamps[0]!;
  return {
    fps: (gaps.length / span) * 1000,
    frames: gaps.length,
    maxFrameMs: sorted[sorted.length - 1] ?? 0,
    p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    longTasks,
  };
}
