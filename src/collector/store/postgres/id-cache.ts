import type { PoolClient } from 'pg';

/**
 * Ids of a dictionary table (endpoints, clients) by name, cached once the transaction that
 * learned them committed (a rolled-back one's ids may never exist). Each write learns its own:
 * writes running at once on other connections never see each other's uncommitted ids.
 */
export interface IdCache {
  /** The id of every name, interning those not cached (in one round) through `intern`; `learned` gets the new ones. */
  ids(client: PoolClient, names: readonly string[], intern: Intern, learned: Map<string, number>): Promise<Map<string, number>>;
  /** Whether every name is cached (so `ids` needs no round trip). */
  hasAll(names: readonly string[]): boolean;
  /** A write committed: keep what it learned. */
  remember(learned: ReadonlyMap<string, number>): void;
}

export type Intern = (client: PoolClient, names: readonly string[]) => Promise<Map<string, number>>;

/** Past this many cached names the cache starts over. */
const MAX_ENTRIES = 100_000;

export function createIdCache(): IdCache {
  let cache = new Map<string, number>();
  return {
    async ids(client, names, intern, learned) {
      const found = new Map<string, number>();
      const missing = new Set<string>();
      for (const name of names) {
        const id = cache.get(name);
        if (id === undefined) missing.add(name);
        else found.set(name, id);
      }
      if (missing.size === 0) return found;
      const interned = await intern(client, [...missing].sort());
      for (const name of missing) {
        const id = interned.get(name);
        if (id === undefined) throw new Error(`internal: no id for ${JSON.stringify(name)}`);
        found.set(name, id);
        learned.set(name, id);
      }
      return found;
    },
    hasAll(names) {
      for (const name of names) if (!cache.has(name)) return false;
      return true;
    },
    remember(learned) {
      if (learned.size === 0) return;
      if (cache.size + learned.size > MAX_ENTRIES) cache = new Map();
      for (const [name, id] of learned) cache.set(name, id);
    },
  };
}
