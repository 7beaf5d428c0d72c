// Issue 13: the trie's most-specific rule agrees with a brute-force oracle over small inventories.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { matchInventory } from '../../src/collector/route-match.js';
import type { DeclaredRoute } from '../../src/collector/types.js';

const segment = fc.constantFrom('a', 'b', 'c', ':p', ':q');
const declared = fc.record({
  method: fc.constantFrom('GET', 'POST', 'ALL'),
  route: fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([parts, slash]) => `/${parts.join('/')}${slash ? '/' : ''}`),
}).map((route): DeclaredRoute => ({ method: route.method, route: route.route }));
const raw = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`);

/**
 * Brute force: every declared route whose segments match one by one (a parameter matches any
 * segment) and whose method is the hit's or ALL; the least by rank vector (literal 0, parameter
 * 1, left to right), then the hit's own method before ALL, then route text, then method.
 */
function oracle(routes: readonly DeclaredRoute[], method: string, path: string): DeclaredRoute | undefined {
  const segments = path.split('/').filter(Boolean);
  const candidates = routes
    .filter((route) => route.method === method || route.method === 'ALL')
    .map((route) => ({ route, parts: route.route.split('/').filter(Boolean) }))
    .filter(({ parts }) => parts.length === segments.length && parts.every((part, i) => part.startsWith(':') || part === segments[i]))
    .map(({ route, parts }) => ({ route, key: [...parts.map((part) => (part.startsWith(':') ? 1 : 0)), route.method === 'ALL' ? 1 : 0] }));
  candidates.sort((a, b) => compareKeys(a.key, b.key) || (a.route.route < b.route.route ? -1 : a.route.route > b.route.route ? 1 : a.route.method < b.route.method ? -1 : a.route.method > b.route.method ? 1 : 0));
  return candidates[0]?.route;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

describe('most specific match (property)', () => {
  it('agrees with the brute-force oracle over random small inventories and raw paths', () => {
    fc.assert(
      fc.property(fc.array(declared, { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.constantFrom('GET', 'POST'), raw), { minLength: 1, maxLength: 10 }), (routes, hits) => {
        const inventory = matchInventory(routes);
        for (const [method, path] of hits) assert.deepEqual(inventory.templateOf(method, path), oracle(routes, method, path), `${method} ${path}`);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
