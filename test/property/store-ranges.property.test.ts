import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { IncomingHit, TimeRange } from '../../src/collector/types.js';
import { expectedEndpoints, expectedTimeseries, uniqueHits } from '../helpers/store-oracle.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 40 days of hits starting at a day that is not a multiple of 32 days (so blocks are cut). */
const START = Date.UTC(2026, 9, 20);
const SPAN = 40 * DAY;

/** Hours that hits and bounds share often, so edges, whole hours and whole days all hold hits. */
const hourArb = fc.oneof(fc.integer({ min: 0, max: 40 * 24 }), fc.constantFrom(0, 1, 23, 24, 25, 47, 48, 49, 300, 301, 767, 768, 769, 959));
const nearHourArb = fc.tuple(hourArb, fc.integer({ min: -600_000, max: 600_000 })).map(([hour, offset]) => START + hour * HOUR + offset);

const hitArb: fc.Arbitrary<IncomingHit> = fc.record({
  timeMs: fc.oneof(fc.integer({ min: START, max: START + SPAN }), nearHourArb, hourArb.map((h) => START + h * HOUR)),
  protocol: fc.constantFrom('ga4', 'ua'),
  method: fc.constantFrom('GET', 'POST'),
  route: fc.constantFrom('/a', '/b/:id', '/c'),
  status: fc.constantFrom(200, 204, 400, 404, 500, 503),
  durationMs: fc.oneof(fc.double({ min: 0, max: 5000, noNaN: true }), fc.constantFrom(0, 1, 2, 1024)),
  client: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6'),
  eventName: fc.constant('page_view'),
  // A small pool, so the same (client, hit id) comes again in one batch and across batches.
  hitId: fc.constantFrom('aaaaaaaaaa-0', 'aaaaaaaaaa-1', 'aaaaaaaaaa-2', 'bbbbbbbbbb-0'),
}, { requiredKeys: ['timeMs', 'protocol', 'method', 'route', 'client', 'eventName'] });

/** A bound: open, at a hit, next to an hour or day boundary, or anywhere. */
const boundArb = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: START - DAY, max: START + SPAN + DAY }),
  fc.tuple(fc.integer({ min: -1, max: 41 }), fc.integer({ min: -1, max: 1 })).map(([day, nudge]) => START + day * DAY + nudge),
  fc.tuple(hourArb, fc.integer({ min: -1, max: 1 })).map(([hour, nudge]) => START + hour * HOUR + nudge),
  nearHourArb,
);
const rangeArb: fc.Arbitrary<TimeRange> = fc.tuple(boundArb, boundArb).map(([a, b]) => {
  const range: { sinceMs?: number; untilMs?: number } = {};
  if (a !== undefined && b !== undefined && a === b) return range;
  const [since, until] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
  if (since !== undefined) range.sinceMs = since;
  if (until !== undefined) range.untilMs = until;
  return range;
});

/** Batches with a collector clock that moves forward (so days get folded) while hits may be late. */
const batchesArb = fc.array(fc.tuple(fc.array(hitArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 44 })), { minLength: 1, maxLength: 6 });

describe('SQLite store against a brute-force model', () => {
  it('endpoints(range) equals the count over every stored hit (each hit id once per client), for any batches and ranges', () => {
    fc.assert(fc.property(batchesArb, fc.array(rangeArb, { minLength: 1, maxLength: 6 }), (batches, ranges) => {
      const store = createSqliteStore({ file: ':memory:' });
      try {
        const all: IncomingHit[] = [];
        let clockDay = 0;
        for (const [hits, day] of batches) {
          clockDay = Math.max(clockDay, day);
          const before = all.length;
          const expected = uniqueHits([...all, ...hits]).duplicates.filter((index) => index >= before).map((index) => index - before);
          assert.deepEqual(store.insert(hits, START + clockDay * DAY + 5 * HOUR), { stored: hits.length - expected.length, duplicates: expected });
          all.push(...hits);
        }
        assert.equal(store.count(), uniqueHits(all).kept.length);
        for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints(uniqueHits(all).kept, range), JSON.stringify(range));
      } finally {
        store.close();
      }
    }), { numRuns: 150 });
  });

  it('timeseries(query) equals the brute-force buckets, hour-multiple widths (rollups) or not (raw)', () => {
    const queryArb = fc.tuple(rangeArb, fc.constantFrom(1000, 60_000, 7 * 60_000, HOUR, 2 * HOUR, 3 * HOUR, DAY), fc.option(fc.constantFrom('/a', '/c', '/none'), { nil: undefined }), fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }));
    fc.assert(fc.property(batchesArb, fc.array(queryArb, { minLength: 1, maxLength: 4 }), (batches, queries) => {
      const store = createSqliteStore({ file: ':memory:' });
      try {
        for (const [hits, day] of batches) store.insert(hits, START + day * DAY);
        const all = uniqueHits(batches.flatMap(([hits]) => hits)).kept;
        for (const [range, bucketMs, route, method] of queries) {
          const query = { ...range, bucketMs, ...(route === undefined ? {} : { route, ...(method === undefined ? {} : { method }) }) };
          assert.deepEqual(store.timeseries(query), expectedTimeseries(all, query), JSON.stringify(query));
        }
      } finally {
        store.close();
      }
    }), { numRuns: 150 });
  });
});
