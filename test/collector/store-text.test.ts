// Text PostgreSQL cannot hold: a NUL character (JSON allows it, so a GA4 hit may carry it).
// PostgreSQL refuses it outright, so a request carrying one failed on every retry (503 for
// ever) on that store while SQLite took it; both stores now store U+FFFD in its place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { bothStores } from '../helpers/stores.js';

const D0 = Date.UTC(2026, 10, 2, 10);
const STORES = bothStores();

for (const [kind, open] of Object.entries(STORES)) {
  describe(`store text (${kind}): NUL characters`, () => {
    it('are stored as U+FFFD in every text field, and the hit id still de-duplicates', async () => {
      const store = await open();
      try {
        const hit: IncomingHit = { timeMs: D0, protocol: 'ga4', method: 'GET', route: '/a\u0000b', client: 'c\u00001', userId: 'u\u0000', title: 't\u0000', host: 'h\u0000', eventName: 'page_view', hitId: 'id\u0000' };
        assert.deepEqual(await store.insert([hit], D0), { stored: 1, duplicates: [] });
        assert.deepEqual(await store.insert([hit], D0), { stored: 0, duplicates: [0] });
        const [stored] = await store.recentHits(1);
        assert.deepEqual(
          [stored?.route, stored?.client, stored?.userId, stored?.title, stored?.host, stored?.hitId],
          ['/a\uFFFDb', 'c\uFFFD1', 'u\uFFFD', 't\uFFFD', 'h\uFFFD', 'id\uFFFD'],
        );
        assert.equal((await store.endpoints({})).endpoints[0]?.route, '/a\uFFFDb');
      } finally {
        await store.close();
      }
    });
  });
}

for (const [kind, open] of Object.entries(STORES)) {
  describe(`store text (${kind}): the characters COPY's text format gives a meaning`, () => {
    // PostgreSQL's write path sends hits in COPY's text format (pg-copy.ts): a tab ends a field,
    // a newline a row, a backslash escapes, and \N is none. Each must come back as it was sent.
    it('backslash, tab, newline, carriage return, the text \\N, empty text and non-ASCII are stored as sent in every field', async () => {
      const store = await open();
      try {
        const odd = 'a\\b\tc\nd\re\\N f\\\\ é ☃ 😀';
        const hits: IncomingHit[] = [
          { timeMs: D0, protocol: 'ga4', method: 'GET', route: `/r ${odd}`, client: `c ${odd}`, userId: `u ${odd}`, title: `t ${odd}`, host: `h ${odd}`, eventName: 'page_view', hitId: `id ${odd}` },
          { timeMs: D0 + 1, protocol: 'ga4', method: 'GET', route: '/r', client: '\\N', userId: '\\N', title: '', host: '\\', eventName: 'page_view', hitId: '\\N' },
        ];
        assert.deepEqual(await store.insert(hits, D0), { stored: 2, duplicates: [] });
        assert.deepEqual(await store.insert(hits, D0), { stored: 0, duplicates: [0, 1] });
        const stored = await store.recentHits(2, { byTime: true });
        const fields = (hit: IncomingHit | undefined) => [hit?.route, hit?.client, hit?.userId, hit?.title, hit?.host, hit?.hitId];
        assert.deepEqual(stored.map(fields), [...hits].reverse().map(fields));
      } finally {
        await store.close();
      }
    });
  });
}

describe('collector on PostgreSQL: a GA4 hit with a NUL in its title', () => {
  it('is stored (204), not refused with 503 on every retry', async () => {
    const collector = await startCollector({ port: 0, output: 'none', store: await STORES.postgres() });
    try {
      const body = { client_id: '1.2', events: [{ name: 'page_view', params: { page_location: 'https://api.example.com/v1/x', page_title: 'GET /v1/x\u0000', hit_id: 'nul-1' } }] };
      const answer = await fetch(`${collector.url}/mp/collect?measurement_id=G-TEST123&api_secret=s`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(answer.status, 204, await answer.text());
      const [stored] = await collector.store.recentHits(1);
      assert.equal(stored?.title, 'GET /v1/x\uFFFD');
    } finally {
      await collector.close();
    }
  });
});
