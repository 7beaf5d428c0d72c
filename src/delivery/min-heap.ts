/**
 * A binary min-heap keyed by a number (here: the time a job may be tried again). push and pop
 * are O(log n), peek O(1); the delivery engine keeps every job waiting to retry in one of
 * these, with one timer for the earliest, instead of scanning a list on every wake-up.
 */
export interface MinHeap<T> {
  push(key: number, item: T): void;
  /** The smallest key, or undefined when empty. */
  peekKey(): number | undefined;
  pop(): T | undefined;
  /** Empties the heap, returning every item (in no particular order). */
  drain(): T[];
  readonly size: number;
}

export function createMinHeap<T>(): MinHeap<T> {
  const keys: number[] = [];
  const items: T[] = [];
  const swap = (a: number, b: number) => {
    [keys[a], keys[b]] = [keys[b] as number, keys[a] as number];
    [items[a], items[b]] = [items[b] as T, items[a] as T];
  };
  const up = (start: number) => {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((keys[parent] as number) <= (keys[i] as number)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < keys.length && (keys[left] as number) < (keys[smallest] as number)) smallest = left;
      if (right < keys.length && (keys[right] as number) < (keys[smallest] as number)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  return {
    push(key, item) {
      keys.push(key);
      items.push(item);
      up(keys.length - 1);
    },
    peekKey: () => keys[0],
    pop() {
      if (keys.length === 0) return undefined;
      const top = items[0];
      const lastKey = keys.pop() as number;
      const lastItem = items.pop() as T;
      if (keys.length > 0) {
        keys[0] = lastKey;
        items[0] = lastItem;
        down(0);
      }
      return top;
    },
    drain() {
      const all = items.splice(0);
      keys.length = 0;
      return all;
    },
    get size() {
      return keys.length;
    },
  };
}
