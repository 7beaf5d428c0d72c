// "The same ingestion, query API, dashboard and report on either store": two collectors, one
// on SQLite and one on PostgreSQL, take the same requests over HTTP on the same injected clock;
// every answer of the query API the dashboard reads is then the same on both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Collector, startCollector } from '../../src/collector/server.js';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { T0 } from '../helpers/context.js';
import { PG_URL, dropSchema, testSchema } from '../helpers/postgres.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const ROUTES = ['/v1/users/:id', '/v1/users', '/v1/orders/:id', '/v1/orders', '/health'];
const METHODS = ['GET', 'POST', 'DELETE'];

/** Deterministic GA4 requests: 400 page views over the 70 hours before T0, 37 consumers, some errors, some resent. */
function requests(): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < 80; i++) {
    const client = `${1000 + ((i * 7) % 37)}.1795953600`;
    const events = Array.from({ length: 5 }, (_, j) => {
      const n = i * 5 + j;
      return {
        name: 'page_view',
        timestamp_micros: (T0 - ((n * 7_919) % (70 * 60)) * MINUTE - (n % 60) * 1000) * 1000,
        params: { api_route: ROUTES[n % 4], api_method: METHODS[n % 3], http_status: n % 11 === 0 ? 500 : n % 7 === 0 ? 404 : 200, duration_ms: 3 + (n % 97), hit_id: `p-${n}`, page_title: `${METHODS[n % 3]} ${ROUTES[n % 4]}` },
      };
    });
    bodies.push(JSON.stringify({ client_id: client, events }));
  }
  // A retried request (the same hit ids) and a non-page-view event.
  bodies.push(bodies[3] ?? '');
  bodies.push(JSON.stringify({ client_id: '1.2', events: [{ name: 'sign_up', params: { api_route: '/v1/users', api_method: 'POST', hit_id: 'e-1' } }] }));
  return bodies;
}

function omit(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

const QUERIES = [
  '/api/endpoints',
  '/api/endpoints?since=24h',
  `/api/endpoints?since=${T0 - 50 * HOUR - 17 * MINUTE}&until=${T0 - 3 * HOUR + 5 * MINUTE}`,
  '/api/timeseries?since=3d',
  '/api/timeseries?since=6h&bucket=5m',
  '/api/timeseries?since=3d&route=/v1/orders/:id&method=GET',
  '/api/hits?limit=50',
  '/api/routes',
  '/api/status',
];

describe('query API: the same answers on SQLite and PostgreSQL', () => {
  const schema = testSchema();
  let sqlite: Collector;
  let postgres: Collector;
  before(async () => {
    sqlite = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(T0) });
    postgres = await startCollector({ port: 0, output: 'none', clock: createManualClock(T0), store: await createPostgresStore({ url: PG_URL, schema }) });
  });
  after(async () => {
    await sqlite.close();
    await postgres.close();
    await dropSchema(schema);
  });

  it('stores the same requests the same way, and answers every query the dashboard makes the same', async () => {
    for (const collector of [sqlite, postgres]) {
      const routes = await fetch(`${collector.url}/api/routes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ROUTES.flatMap((route) => METHODS.map((method) => ({ method, route })))) });
      assert.equal(routes.status, 200);
      for (const body of requests()) {
        const answer = await fetch(`${collector.url}/mp/collect?measurement_id=G-PARITY1&api_secret=s`, { method: 'POST', body });
        assert.equal(answer.status, 204, await answer.text());
      }
    }
    assert.deepEqual(postgres.stats(), sqlite.stats());
    for (const query of QUERIES) {
      const [a, b] = await Promise.all([sqlite, postgres].map(async (collector) => {
        const answer = await fetch(`${collector.url}${query}`);
        assert.equal(answer.status, 200, query);
        return (await answer.json()) as Record<string, unknown>;
      }));
      if (query === '/api/status') {
        assert.deepEqual([a?.storage, b?.storage], ['memory', 'postgresql']);
        assert.ok(typeof a?.hits === 'number' && a.hits > 300);
      }
      if (query === '/api/endpoints') assert.equal((a?.endpoints as unknown[]).length, 12, 'every method of every route had hits');
      const left = omit(a ?? {}, ['storage', 'startedMs']);
      const right = omit(b ?? {}, ['storage', 'startedMs']);
      if (query.startsWith('/api/hits')) {
        // Row ids are each store's own; everything else of a hit is the same.
        const strip = (hits: unknown) => (hits as Record<string, unknown>[]).map((hit) => omit(hit, ['id']));
        assert.deepEqual(strip(right.hits), strip(left.hits), query);
      } else {
        assert.deepEqual(right, left, query);
      }
    }
  });
});
