import { createBoundedMap } from './bounded-map.js';

/**
 * A bounded memo for keyed hashes: an HMAC costs microseconds, a map lookup nanoseconds,
 * and an API's consumers repeat. When full, the least recently used go (see bounded-map.ts),
 * so memory stays flat. Lives in the process only; nothing in it is ever sent.
 */
/** `compute` is given the key, so a caller can pass one function made once rather than a closure per call. */
export type Memo<T = string> = (key: string, compute: (key: string) => T) => T;

/** Keys longer than this are computed every time rather than held. */
const MAX_KEY_CHARS = 600;

export function createMemo<T = string>(maxEntries: number): Memo<T> {
  const entries = createBoundedMap<T>(maxEntries);
  return (key, compute) => {
    const found = entries.get(key);
    if (found !== undefined) return found;
    const value = compute(key);
    if (key.length > MAX_KEY_CHARS) return value;
    entries.set(key, value);
    return value;
  };
}

/**
 * A memo keyed by two strings, held as a map of maps: no joined key is built per call (the
 * hot path asks with a client's address and user agent, or a protocol and a host, on every
 * request). When full, it starts again empty; memory stays flat.
 */
export type Memo2<T = string> = (a: string, b: string, compute: () => T) => T;

export function createMemo2<T = string>(maxEntries: number): Memo2<T> {
  let outer = new Map<string, Map<string, T>>();
  let size = 0;
  return (a, b, compute) => {
    let inner = outer.get(a);
    const found = inner?.get(b);
    if (found !== undefined) return found;
    const value = compute();
    if (a.length + b.length > MAX_KEY_CHARS) return value;
    if (size >= maxEntries) {
      outer = new Map();
      size = 0;
      inner = undefined;
    }
    if (inner === undefined) outer.set(a, (inner = new Map()));
    inner.set(b, value);
    size++;
    return value;
  };
}

/** A memo keyed by three strings: a Memo2 of Memo2s' worth, as maps of maps of maps (no joined key per call). When full, it starts again empty. */
export type Memo3<T = string> = (a: string, b: string, c: string, compute: () => T) => T;

export function createMemo3<T = string>(maxEntries: number): Memo3<T> {
  let outer = new Map<string, Map<string, Map<string, T>>>();
  let size = 0;
  return (a, b, c, compute) => {
    let middle = outer.get(a);
    let inner = middle?.get(b);
    const found = inner?.get(c);
    if (found !== undefined) return found;
    const value = compute();
    if (a.length + b.length + c.length > MAX_KEY_CHARS) return value;
    if (size >= maxEntries) {
      outer = new Map();
      size = 0;
      middle = undefined;
      inner = undefined;
    }
    if (middle === undefined) outer.set(a, (middle = new Map()));
    if (inner === undefined) middle.set(b, (inner = new Map()));
    inner.set(c, value);
    size++;
    return value;
  };
}

/** A Memo2 per UTC day (the anonymous client id's salt changes daily); the two latest days are kept. */
export type DayMemo = (day: string, a: string, b: string, compute: () => string) => string;

export function createDayMemo(maxEntries: number): DayMemo {
  const days = new Map<string, Memo2>();
  return (day, a, b, compute) => {
    let memo = days.get(day);
    if (memo === undefined) {
      if (days.size >= 2) days.delete(days.keys().next().value as string);
      days.set(day, (memo = createMemo2(maxEntries)));
    }
    return memo(a, b, compute);
  };
}
