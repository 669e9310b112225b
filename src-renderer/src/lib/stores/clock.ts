import { readable } from "svelte/store";

/** The time, once a second: one timer for every countdown and "x ago" on the page. */
export const now = readable(Date.now(), (set) => {
  // The initial value dates from module load; a new subscriber must not start from it.
  set(Date.now());
  const timer = setInterval(() => set(Date.now()), 1000);
  return () => clearInterval(timer);
});
