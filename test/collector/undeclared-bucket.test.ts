// Issue 13: with an inventory, raw paths that match nothing stay in their own rows, bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { IncomingHit } from '../../src/collector/types.js';

const T = Date.UTC(2026, 0, 5, 12);

function hit(route: string, client: string, method = 'GET'): IncomingHit {
  return { timeMs: T, protocol: 'ua', method, route, client, eventName: 'pageview' };
}

describe('the unmatched bucket (with an inventory)', () => {
  it('an undeclared raw path keeps Footfall\'s :id fallback: ids in it do not make rows', () => {
    const store = createSqliteStore({ file: ':memory:' });
    store.setRoutes([{ method: 'GET', route: '/orders/:id' }]);
    store.insert([hit('/carts/1/items', 'a'), hit('/carts/2/items', 'b'), hit('/carts/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items', 'a'), hit('/orders/5', 'a')], T);
    const report = store.endpoints({});
    assert.deepEqual(report.endpoints.map((e) => [e.route, e.hits, e.clients, e.declared]), [['/carts/:id/items', 3, 2, false], ['/orders/:id', 1, 1, true]]);
    store.close();
  });

  it('past 200 undeclared rows, the least hit share one (undeclared) row per method; the declared rows are all kept', () => {
    const store = createSqliteStore({ file: ':memory:' });
    store.setRoutes([{ method: 'GET', route: '/orders/:id' }]);
    const hits: IncomingHit[] = [];
    // 250 distinct undeclared paths (words, not ids): /w0 .. /w249; the first 20 hit twice.
    for (let i = 0; i < 250; i++) {
      hits.push(hit(`/w${i}`, `c${i % 7}`));
      if (i < 20) hits.push(hit(`/w${i}`, `c${i % 7}`));
    }
    hits.push(hit('/orders/1', 'c1'), hit('/x1', 'c1', 'POST'));
    store.insert(hits, T);
    const report = store.endpoints({});
    // Independently: the 20 twice-hit paths first, then the others by route text; 200 kept in all.
    const once = Array.from({ length: 230 }, (_, i) => ({ method: 'GET', route: `/w${i + 20}` })).concat({ method: 'POST', route: '/x1' })
      .sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : 0));
    const kept = new Set([...Array.from({ length: 20 }, (_, i) => `GET /w${i}`), ...once.slice(0, 180).map((r) => `${r.method} ${r.route}`)]);
    const folded = once.slice(180);
    const rows = report.endpoints.filter((e) => !e.declared && e.route !== '(undeclared)');
    assert.deepEqual(new Set(rows.map((e) => `${e.method} ${e.route}`)), kept);
    const bucket = report.endpoints.filter((e) => e.route === '(undeclared)').map((e) => [e.method, e.hits]);
    const foldedByMethod = new Map<string, number>();
    for (const r of folded) foldedByMethod.set(r.method, (foldedByMethod.get(r.method) ?? 0) + 1);
    assert.deepEqual(bucket.sort(), [...foldedByMethod].sort());
    assert.equal(report.hits, hits.length);
    assert.ok(report.endpoints.some((e) => e.route === '/orders/:id' && e.declared));
    store.close();
  });
});
