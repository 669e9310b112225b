import type { Page } from "playwright-core";

/**
 * Measurements taken inside the page. The callbacks run in Chromium, not Node: the cast gives them
 * the browser global they use, since the project's typecheck has no DOM library.
 */
type BrowserScope = {
  document: {
    querySelector(sel: string): { textContent: string | null; getBoundingClientRect(): { height: number } } | null;
  };
};

/** What "painted" means for a page: an element, laid out, whose text matches. */
export interface PaintTarget {
  selector: string;
  text: string;
}
/** The dashboard: the "Mining status" region holding a state word. */
export const DASHBOARD_PAINTED: PaintTarget = {
  selector: '[aria-label="Mining status"]',
  text: "Mining|Paused|Stopped|Starting|Error",
};
/** The dashboard once the miner mines: the "Mining status" region says Mining. */
export const MINING_PAINTED: PaintTarget = {
  selector: '[aria-label="Mining status"] [data-testid="mining-state"]',
  text: "^Mining$",
};
/** The first run's first screen. */
export const WELCOME_PAINTED: PaintTarget = { selector: "h1", text: "Welcome to PoUW Miner" };

/**
 * Waits for the first animation frame in which the target is laid out and holds its text; returns
 * that frame's time since navigation start (performance.now() in the page) and the first contentful
 * paint.
 */
export async function waitForPainted(
  page: Page,
  target: PaintTarget,
  timeoutMs: number,
): Promise<{ paintedMs: number; fcpMs: number | undefined }> {
  const handle = await page.waitForFunction(
    ({ selector, text }) => {
      const el = (globalThis as unknown as BrowserScope).document.querySelector(selector);
      const ok = el !== null && el.getBoundingClientRect().height > 0 && new RegExp(text).test(el.textContent ?? "");
      return ok ? performance.now() : false;
    },
    target,
    { polling: "raf", timeout: timeoutMs },
  );
  const paintedMs = (await handle.jsonValue()) as number;
  const fcpMs = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
  return { paintedMs, fcpMs };
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
  const { stamps, longTasks } = (await page.evaluate(`(${FRAME_COUNTER})(${ms})`)) as {
    stamps: number[];
    longTasks: number;
  };
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

/** Main-thread time of the page's renderer (ms), from Chromium's Performance domain. */
export interface PageCpu {
  taskMs: number;
  scriptMs: number;
  styleMs: number;
  layoutMs: number;
}

/**
 * Collects the page's main-thread time while `during` runs: one DevTools session for the whole
 * window, since counters start when the session enables them.
 */
export async function pageCpuDuring<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; cpu: PageCpu }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Performance.enable");
    const read = async (): Promise<PageCpu> => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return {
        taskMs: ms("TaskDuration"),
        scriptMs: ms("ScriptDuration"),
        styleMs: ms("RecalcStyleDuration"),
        layoutMs: ms("LayoutDuration"),
      };
    };
    const before = await read();
    const result = await during();
    const after = await read();
    return {
      result,
      cpu: {
        taskMs: after.taskMs - before.taskMs,
        scriptMs: after.scriptMs - before.scriptMs,
        styleMs: after.styleMs - before.styleMs,
        layoutMs: after.layoutMs - before.layoutMs,
      },
    };
  } finally {
    await cdp.detach();
  }
}
