// Issue 12: what the dashboard reads for its first hour. Recent hits came in insert order (times
// jumped backwards), consumers were truncated hashes, and the page had no way to pick a range
// that holds the data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { T0 } from '../helpers/context.js';

const MINUTE = 60_000;

interface ApiHit {
  timeMs: number;
  client: string;
  clientAlias: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return (await response.json()) as T;
}

describe('the query API for the dashboard', () => {
  it('GET /api/hits: newest first by the time of the request, whatever order the hits arrived in; each with a short stable consumer alias', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(T0) });
    try {
      const hit = (agoMin: number, client: string) => ({ timeMs: T0 - agoMin * MINUTE, protocol: 'ga4' as const, method: 'GET', route: '/v1/items', status: 200, client, eventName: 'page_view' });
      // A batch delivered late: older hits stored after newer ones.
      await collector.store.insert([hit(1, '111.1'), hit(2, '222.2')], T0);
      await collector.store.insert([hit(9, '111.1'), hit(3, '333.3'), hit(12, '222.2')], T0);
      const { hits } = await getJson<{ hits: ApiHit[] }>(`${collector.url}/api/hits?limit=10`);
      assert.deepEqual(hits.map((h) => (T0 - h.timeMs) / MINUTE), [1, 2, 3, 9, 12]);
      for (const h of hits) assert.match(h.clientAlias, /^consumer-[0-9a-z]{4}$/);
      const aliasOf = new Map(hits.map((h) => [h.client, h.clientAlias]));
      assert.equal(aliasOf.size, 3);
      assert.equal(new Set(aliasOf.values()).size, 3, 'three consumers, three aliases');
      for (const h of hits) assert.equal(h.clientAlias, aliasOf.get(h.client), 'the same consumer, the same alias');
    } finally {
      await collector.close();
    }
  });

  it('GET /api/status says when the first and last stored hits happened and what time the collector has', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(T0) });
    try {
      const empty = await getJson<Record<string, unknown>>(`${collector.url}/api/status`);
      assert.equal(empty.nowMs, T0);
      assert.equal(empty.firstHitMs, null);
      await collector.store.insert([5, 40, 2].map((agoMin) => ({ timeMs: T0 - agoMin * MINUTE, protocol: 'ga4' as const, method: 'GET', route: '/a', client: 'c', eventName: 'page_view' })), T0);
      const status = await getJson<Record<string, unknown>>(`${collector.url}/api/status`);
      assert.equal(status.firstHitMs, T0 - 40 * MINUTE);
      assert.equal(status.lastHitMs, T0 - 2 * MINUTE);
    } finally {
      await collector.close();
    }
  });
});
