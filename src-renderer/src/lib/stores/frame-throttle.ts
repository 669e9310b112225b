import { readable, type Readable } from "svelte/store";

type Schedule = (run: () => void) => void;

// Through globalThis: the pure store tests type-check and run this without a DOM.
const nextFrame: Schedule = (run) => {
  const host = globalThis as { requestAnimationFrame?: (cb: () => void) => number };
  if (host.requestAnimationFrame) host.requestAnimationFrame(run);
  else setTimeout(run, 16);
};

/**
 * The source's latest value at most once per animation frame: main may send 50 patches a second
 * and each would otherwise re-render the page and redraw the charts, dropping frames. The first
 * value passes straight through so nothing waits a frame to appear.
 */
export function frameThrottled<T>(source: Readable<T>, schedule: Schedule = nextFrame): Readable<T> {
  let initial: T | undefined;
  source.subscribe((v) => (initial = v))();
  return readable(initial as T, (set) => {
    let pending = false;
    let latest: T;
    let first = true;
    const unsubscribe = source.subscribe((value) => {
      if (first) {
        first = false;
        set(value);
        return;
      }
      latest = value;
      if (pending) return;
      pending = true;
      schedule(() => {
        pending = false;
        set(latest);
      });
    });
    return unsubscribe;
  });
}
