import type { PoolClient } from 'pg';

/**
 * Ids of a dictionary table (endpoints, clients) by name, cached once the transaction that
 * learned them committed (a rolled-back one's ids may never exist). Each write learns its own:
 * writes running at once on other connections never see each other's uncommitted ids.
 */
export interface IdCache {
  /** The cached ids of `names`, and the names not cached: one pass, no round trip. */
  lookup(names: readonly string[]): IdLookup;
  /** Every id of a lookup: its missing names interned (in one round, none when nothing is missing) through `intern`; `learned` gets them. */
  complete(client: PoolClient, lookup: IdLookup, intern: Intern, learned: Map<string, number>): Promise<Map<string, number>>;
  /** A write committed: keep what it learned. */
  remember(learned: ReadonlyMap<string, number>): void;
}

export interface IdLookup {
  readonly found: Map<string, number>;
  readonly missing: ReadonlySet<string>;
}

export type Intern = (client: PoolClient, names: readonly string[]) => Promise<Map<string, number>>;

/** Past this many cached names the cache starts over. */
const MAX_ENTRIES = 100_000;

export function createIdCache(): IdCache {
  let cache = new Map<string, number>();
  return {
    lookup(names) {
      const found = new Map<string, number>();
      const missing = new Set<string>();
      for (const name of names) {
        const id = cache.get(name);
        if (id === undefined) missing.add(name);
        else found.set(name, id);
      }
      return { found, missing };
    },
    async complete(client, { found, missing }, intern, learned) {
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
    remember(learned) {
      if (learned.size === 0) return;
      if (cache.size + learned.size > MAX_ENTRIES) cache = new Map();
      for (const [name, id] of learned) cache.set(name, id);
    },
  };
}
