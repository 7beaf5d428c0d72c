import type { ProxyTap } from './tcp-proxy.js';

/**
 * Counts PostgreSQL protocol messages by type, per direction, from what a TCP proxy passes
 * (tcp-proxy.ts's tap): `up` are the client's ('Q' simple query, 'P' parse, 'd' copy data, ...),
 * `down` the server's ('Z' ready for query: one per round trip, 'N' notice, 'E' error, ...).
 * Each connection's first client message (the startup packet) has no type byte and is skipped.
 */
export interface PgWireCounter {
  readonly tap: ProxyTap;
  /** Messages of each type seen so far in a direction, e.g. `{ Q: 3, Z: 3 }`. */
  counts(direction: 'up' | 'down'): Record<string, number>;
  /** The texts of the simple queries ('Q') the clients sent so far, in order. */
  queries(): string[];
}

export function createPgWireCounter(): PgWireCounter {
  const totals = { up: new Map<string, number>(), down: new Map<string, number>() };
  const readers = new Map<string, (chunk: Buffer) => void>();
  const texts: string[] = [];
  const reader = (direction: 'up' | 'down') => {
    let pending = Buffer.alloc(0);
    let startup = direction === 'up';
    return (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const headerLength = startup ? 0 : 1;
        if (pending.length < headerLength + 4) return;
        const length = pending.readUInt32BE(headerLength);
        if (pending.length < headerLength + length) return;
        if (!startup) {
          const type = String.fromCharCode(pending[0] as number);
          totals[direction].set(type, (totals[direction].get(type) ?? 0) + 1);
          // A simple query's body is its text, NUL-terminated.
          if (direction === 'up' && type === 'Q') texts.push(pending.subarray(5, length).toString('utf8'));
        }
        startup = false;
        pending = pending.subarray(headerLength + length);
      }
    };
  };
  return {
    tap(direction, chunk, connection) {
      const key = `${direction} ${connection}`;
      let read = readers.get(key);
      if (read === undefined) readers.set(key, (read = reader(direction)));
      read(chunk);
    },
    counts: (direction) => Object.fromEntries(totals[direction]),
    queries: () => [...texts],
  };
}

/** What came through between two `counts` (types with no message in between are left out). */
export function countsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const since: Record<string, number> = {};
  for (const [type, count] of Object.entries(after)) {
    const more = count - (before[type] ?? 0);
    if (more > 0) since[type] = more;
  }
  return since;
}
