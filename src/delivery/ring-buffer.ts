/**
 * A FIFO ring buffer with O(1) push and shift, bounded by the caller: the array grows to the
 * largest size it held and is reused, so a steady queue allocates nothing.
 */
export interface RingBuffer<T> {
  push(item: T): void;
  shift(): T | undefined;
  readonly length: number;
}

export function createRingBuffer<T>(initialCapacity = 64): RingBuffer<T> {
  let items: (T | undefined)[] = new Array<T | undefined>(initialCapacity);
  let head = 0;
  let size = 0;
  const grow = () => {
    const next = new Array<T | undefined>(items.length * 2);
    for (let i = 0; i < size; i++) next[i] = items[(head + i) % items.length];
    items = next;
    head = 0;
  };
  return {
    push(item) {
      if (size === items.length) grow();
      items[(head + size) % items.length] = item;
      size++;
    },
    shift() {
      if (size === 0) return undefined;
      const item = items[head];
      items[head] = undefined;
      head = (head + 1) % items.length;
      size--;
      return item;
    },
    get length() {
      return size;
    },
  };
}
