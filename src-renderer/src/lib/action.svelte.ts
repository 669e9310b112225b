import { toErrorShape } from "../../../src-shared/errors.js";

/**
 * One user-triggered call to main: busy while it runs (buttons disable), and its failure as one line
 * of text (main's errors are one line already; anything else is cut to its first line).
 */
export class Action {
  busy = $state(false);
  error = $state<string | undefined>(undefined);

  async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = undefined;
    try {
      return await work();
    } catch (err) {
      this.error = toErrorShape(err).message;
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  clear(): void {
    this.error = undefined;
  }
}
