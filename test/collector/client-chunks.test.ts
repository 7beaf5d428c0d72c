import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_BITS, createClientChunks } from '../../src/collector/store/client-chunks.js';
import { createRandom } from '../../src/collector/random.js';

// The PostgreSQL store counts distinct clients from rows of (report key, chunk, the low 16 bits
// of its client ids): these check the counter against Sets, ids of every sign and size.

/** The low 16 bits of each id, big-endian, as `string_agg(substring(int4send(id) from 3), '')` sends them. */
function lows(ids: readonly number[]): Uint8Array {
  const bytes = Buffer.alloc(ids.length * 2);
  ids.forEach((id, i) => bytes.writeUInt16BE(id & 0xffff, i * 2));
  return bytes;
}

/** The rows PostgreSQL would send for these (key, id) pairs: one per (key, chunk), ids in any order with their repeats. */
function rowsOf(pairs: readonly (readonly [number, number])[]): [number, number, number[]][] {
  const rows = new Map<string, [number, number, number[]]>();
  for (const [key, id] of pairs) {
    const chunk = id >> CHUNK_BITS;
    const row = rows.get(`${key}:${chunk}`) ?? [key, chunk, []];
    row[2].push(id);
    rows.set(`${key}:${chunk}`, row);
  }
  return [...rows.values()];
}

function expected(pairs: readonly (readonly [number, number])[]): { perEndpoint: Map<number, number>; total: number } {
  const perKey = new Map<number, Set<number>>();
  for (const [key, id] of pairs) perKey.set(key, (perKey.get(key) ?? new Set()).add(id));
  return { perEndpoint: new Map([...perKey].map(([key, ids]) => [key, ids.size])), total: new Set(pairs.map(([, id]) => id)).size };
}

describe('client-chunks: distinct clients per report key and overall from chunks of client ids', () => {
  it('equals counting with Sets, over random keys and ids (dense, sparse, negative, the int32 ends) with repeats, in any row order', () => {
    const random = createRandom(16);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let round = 0; round < 200; round++) {
      const idSpace = pick([50, 70_000, 2 ** 31 - 1]);
      const ids = Array.from({ length: 1 + Math.floor(random() * 60) }, () => {
        const id = Math.floor(random() * idSpace);
        return random() < 0.2 ? -id - 1 : id;
      });
      ids.push(2 ** 31 - 1, -(2 ** 31), 0, 65_535, 65_536, -1, -65_536, -65_537);
      const pairs = Array.from({ length: Math.floor(random() * 400) }, () => [1 + Math.floor(random() * 6), pick(ids)] as const);
      const rows = rowsOf(pairs).sort(() => random() - 0.5);
      const chunks = createClientChunks();
      for (const [key, chunk, found] of rows) chunks.add(key, chunk, lows(found.sort(() => random() - 0.5)));
      assert.deepEqual(chunks.counts(), expected(pairs), `round ${round}`);
    }
  });

  it('counts nothing from no rows, and a key only from its own rows', () => {
    assert.deepEqual(createClientChunks().counts(), { perEndpoint: new Map(), total: 0 });
    const chunks = createClientChunks();
    chunks.add(7, 0, lows([3, 3, 3]));
    chunks.add(8, 0, lows([3, 4]));
    // The same low bits in another chunk are another client.
    chunks.add(8, 1, lows([65_536 + 3]));
    assert.deepEqual(chunks.counts(), { perEndpoint: new Map([[7, 1], [8, 3]]), total: 3 });
  });

  it('refuses ids that are not whole 2-byte values', () => {
    assert.throws(() => createClientChunks().add(1, 0, new Uint8Array(3)), /3 bytes of client ids, not a multiple of 2/);
  });
});
