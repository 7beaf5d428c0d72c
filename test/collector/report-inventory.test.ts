import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyInventory } from '../../src/collector/report-inventory.js';
import type { EndpointSummary, EndpointsReport } from '../../src/collector/types.js';

function endpoint(method: string, route: string, declared: boolean): EndpointSummary {
  return { method, route, hits: 3, clients: 1, serverErrors: 0, clientErrors: 0, errorRate: 0, p50Ms: 1, p95Ms: 2, firstSeenMs: 1, lastSeenMs: 2, declared };
}

const REPORT: EndpointsReport = {
  range: { sinceMs: 0 },
  endpoints: [endpoint('GET', '/users/:id', true), endpoint('POST', '/users', false), endpoint('PUT', '/admin', false)],
  unused: [{ method: 'GET', route: '/stored-only' }],
  clients: 1,
  hits: 9,
  declared: 2,
};

describe('applyInventory', () => {
  it('recomputes declared, unused and the count against the given routes; usage is untouched', () => {
    const report = applyInventory(REPORT, [
      { method: 'POST', route: '/users' },
      { method: 'DELETE', route: '/users/:id' },
      { method: 'ALL', route: '/admin' },
      { method: 'ALL', route: '/never' },
      { method: 'get', route: '/b-never' },
    ]);
    assert.deepEqual(report.endpoints.map((e) => [e.method, e.route, e.declared]), [['GET', '/users/:id', false], ['POST', '/users', true], ['PUT', '/admin', true]]);
    assert.deepEqual(report.unused, [{ method: 'GET', route: '/b-never' }, { method: 'ALL', route: '/never' }, { method: 'DELETE', route: '/users/:id' }]);
    assert.equal(report.declared, 5);
    assert.deepEqual({ ...report, endpoints: [], unused: [], declared: 0 }, { ...REPORT, endpoints: [], unused: [], declared: 0 });
    assert.deepEqual(report.endpoints.map((e) => ({ ...e, declared: true })), REPORT.endpoints.map((e) => ({ ...e, declared: true })));
  });

  it('ALL is used by a hit on any method of its route; a method-specific route only by its own method', () => {
    const report = applyInventory(REPORT, [{ method: 'ALL', route: '/users/:id' }, { method: 'GET', route: '/users' }]);
    assert.deepEqual(report.unused, [{ method: 'GET', route: '/users' }]);
    assert.deepEqual(report.endpoints.map((e) => e.declared), [true, false, false]);
  });

  it('an empty inventory leaves nothing declared and nothing unused, and duplicates count once', () => {
    const empty = applyInventory(REPORT, []);
    assert.deepEqual([empty.declared, empty.unused, empty.endpoints.some((e) => e.declared)], [0, [], false]);
    assert.equal(applyInventory(REPORT, [{ method: 'GET', route: '/x' }, { method: 'GET', route: '/x' }]).declared, 1);
  });
});
