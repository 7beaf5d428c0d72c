/**
 * Turns names (an endpoint, a client id) into the integer ids of a dictionary table, with a
 * bounded in-memory cache so a known name costs one Map lookup. Ids learned inside a write
 * transaction stay pending until `commit()`: after a rollback the database may hand the same
 * id to another name, so a rolled-back id must never reach the cache.
 */
export interface Interner<T> {
  /** The id of `value` (keyed by `key`), read or inserted. Call inside the write transaction. */
  id(key: string, value: T): number;
  /** The transaction committed: keep what it learned. */
  commit(): void;
  /** The transaction rolled back: forget what it learned. */
  rollback(): void;
}

export interface InternerOptions<T> {
  /** The stored id of `value`, if any. */
  find: (value: T) => number | undefined;
  /** Stores `value` and returns its new id. */
  add: (value: T) => number;
  /** Past this many cached names the cache starts over. @default 100000 */
  maxEntries?: number;
}

export function createInterner<T>(options: InternerOptions<T>): Interner<T> {
  const maxEntries = options.maxEntries ?? 100_000;
  let cache = new Map<string, number>();
  let pending = new Map<string, number>();
  return {
    id(key, value) {
      const known = cache.get(key) ?? pending.get(key);
      if (known !== undefined) return known;
      const id = options.find(value) ?? options.add(value);
      pending.set(key, id);
      return id;
    },
    commit() {
      if (pending.size === 0) return;
      if (cache.size + pending.size > maxEntries) cache = new Map();
      for (const [key, id] of pending) cache.set(key, id);
      pending = new Map();
    },
    rollback() {
      if (pending.size > 0) pending = new Map();
    },
  };
}
