import { writable, type Readable } from "svelte/store";

export interface SeededWindow<T> extends Readable<T[]> {
  /** Follows the pushes and fetches the seed; returns the function that stops following. */
  connect(): () => void;
}

/**
 * The last `max` items of a live feed: seeded by a fetch of recent items and fed by pushes. Pushes
 * that arrive while the seed is in flight are held and appended after it, so the order stays right.
 * `fresh` picks which incoming items to keep (ordering, duplicates); `seed` is given to it only for
 * the held items, which may also be in the seed when the two raced.
 */
export function seededWindow<T>(opts: {
  max: number;
  follow(push: (item: T) => void): () => void;
  fetchSeed(): Promise<T[]>;
  fresh(window: readonly T[], incoming: readonly T[], seed?: readonly T[]): readonly T[];
}): SeededWindow<T> {
  const store = writable<T[]>([]);
  let window: T[] = [];
  const add = (incoming: readonly T[], seed?: readonly T[]) => {
    const kept = opts.fresh(window, incoming, seed);
    if (kept.length === 0) return;
    window = [...window, ...kept].slice(-opts.max);
    store.set(window);
  };
  return {
    subscribe: store.subscribe,
    connect() {
      let held: T[] | undefined = [];
      const off = opts.follow((item) => {
        if (held) held.push(item);
        else add([item]);
      });
      void opts
        .fetchSeed()
        .catch(() => [] as T[])
        .then((seed) => {
          add(seed);
          const late = held ?? [];
          held = undefined;
          add(late, seed);
        });
      return off;
    },
  };
}
