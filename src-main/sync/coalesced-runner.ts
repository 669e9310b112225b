/**
 * Runs `pass` now, or — when a pass is already running — once more right after it, however many
 * times it was asked meanwhile. Event handlers can call it freely without piling up passes.
 */
export interface CoalescedRunner {
  (): Promise<void>;
  /** Resolves when no pass is running (at once if none is). */
  idle(): Promise<void>;
}

export function coalescedRunner(
  pass: () => Promise<void>,
  opts: { keepGoing: () => boolean; onError?: (err: unknown) => void },
): CoalescedRunner {
  let running: Promise<void> | undefined;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && opts.keepGoing());
      } catch (err) {
        opts.onError?.(err);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return Object.assign(run, { idle: async () => void (await running) });
}
