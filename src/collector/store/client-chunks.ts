import type { ClientCounts } from './count-clients.js';

/** Client ids are counted in chunks of 2^16: a chunk is `id >> CHUNK_BITS`, an id's place in it its low 16 bits. */
export const CHUNK_BITS = 16;
const WORDS = (1 << CHUNK_BITS) / 32;

/**
 * Distinct clients per report key and overall, from client ids sent as one row per (key, chunk):
 * the low 16 bits of every id of the key in that chunk, big-endian, two bytes each, in any order,
 * repeats allowed (from PostgreSQL: `string_agg(substring(int4send(id) from 3), '')`). Each (key,
 * chunk) must come once: a row's distinct ids are then its key's share. A bitset per chunk seen
 * (8 KiB each) counts them overall, so memory follows the ids' range, not how many rows there are.
 */
export interface ClientChunks {
  add(key: number, chunk: number, lows: Uint8Array): void;
  counts(): ClientCounts;
}

export function createClientChunks(): ClientChunks {
  const perKey = new Map<number, number>();
  const seen = new Map<number, Uint32Array>();
  const row = new Uint32Array(WORDS);
  let total = 0;
  return {
    add(key, chunk, lows) {
      if (lows.length % 2 !== 0) throw new Error(`internal: ${lows.length} bytes of client ids, not a multiple of 2`);
      const overall = seen.get(chunk) ?? new Uint32Array(WORDS);
      seen.set(chunk, overall);
      let distinct = 0;
      for (let at = 0; at < lows.length; at += 2) {
        const low = ((lows[at] as number) << 8) | (lows[at + 1] as number);
        const word = low >>> 5;
        const bit = 1 << (low & 31);
        if (((row[word] as number) & bit) !== 0) continue;
        row[word] = (row[word] as number) | bit;
        distinct++;
        if (((overall[word] as number) & bit) === 0) {
          overall[word] = (overall[word] as number) | bit;
          total++;
        }
      }
      row.fill(0);
      if (distinct > 0) perKey.set(key, (perKey.get(key) ?? 0) + distinct);
    },
    counts: () => ({ perEndpoint: new Map(perKey), total }),
  };
}
