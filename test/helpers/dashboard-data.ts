import { createRandom } from '../../src/collector/random.js';
import type { DeclaredRoute, IncomingHit } from '../../src/collector/types.js';

/** An API's traffic for the dashboard's test and screenshot: weights are shares of the hits. */
const USED: readonly { method: string; route: string; weight: number; errorShare: number; notFoundShare: number; typicalMs: number }[] = [
  { method: 'GET', route: '/v1/users/:id', weight: 30, errorShare: 0.002, notFoundShare: 0.04, typicalMs: 18 },
  { method: 'GET', route: '/v1/products', weight: 22, errorShare: 0, notFoundShare: 0, typicalMs: 42 },
  { method: 'GET', route: '/v1/orders', weight: 14, errorShare: 0.01, notFoundShare: 0, typicalMs: 65 },
  { method: 'POST', route: '/v1/orders', weight: 8, errorShare: 0.03, notFoundShare: 0.06, typicalMs: 140 },
  { method: 'GET', route: '/v1/products/:id', weight: 9, errorShare: 0, notFoundShare: 0.08, typicalMs: 25 },
  { method: 'PUT', route: '/v1/carts/:id', weight: 6, errorShare: 0.005, notFoundShare: 0.02, typicalMs: 55 },
  { method: 'PATCH', route: '/v1/users/:id', weight: 3, errorShare: 0, notFoundShare: 0.1, typicalMs: 35 },
  { method: 'DELETE', route: '/v1/carts/:id', weight: 2, errorShare: 0, notFoundShare: 0.15, typicalMs: 22 },
  { method: 'POST', route: '/v1/login', weight: 5, errorShare: 0.001, notFoundShare: 0.2, typicalMs: 210 },
  // Called but not declared: the dashboard marks it.
  { method: 'GET', route: '/internal/debug', weight: 1, errorShare: 0.2, notFoundShare: 0, typicalMs: 5 },
];

/** Declared and never called. */
export const UNUSED_ROUTES: readonly DeclaredRoute[] = [
  { method: 'GET', route: '/v1/legacy/export' },
  { method: 'POST', route: '/v1/webhooks/test' },
  { method: 'DELETE', route: '/v1/orders/:id' },
  { method: 'GET', route: '/v2/reports/:year' },
];

/** The declared inventory: every used route but /internal/debug, and the unused ones. */
export const DECLARED_ROUTES: readonly DeclaredRoute[] = [
  ...USED.filter((e) => !e.route.startsWith('/internal')).map(({ method, route }) => ({ method, route })),
  ...UNUSED_ROUTES,
];

/**
 * `count` hits spread over the `spanMs` before `nowMs`, busier in the (UTC) afternoon, from a
 * pool of consumers; the same seed gives the same hits.
 */
export function dashboardHits(nowMs: number, count: number, spanMs: number, seed = 7): IncomingHit[] {
  const random = createRandom(seed);
  const total = USED.reduce((sum, e) => sum + e.weight, 0);
  const hits: IncomingHit[] = [];
  while (hits.length < count) {
    const timeMs = Math.floor(nowMs - 1 - random() * spanMs);
    const hour = new Date(timeMs).getUTCHours();
    if (random() > 0.35 + 0.65 * Math.sin((Math.PI * hour) / 24)) continue; // a daily curve
    let pick = random() * total;
    const endpoint = USED.find((e) => (pick -= e.weight) < 0) ?? USED[0];
    if (endpoint === undefined) break;
    const roll = random();
    const status = roll < endpoint.errorShare ? 500 : roll < endpoint.errorShare + endpoint.notFoundShare ? 404 : endpoint.method === 'POST' ? 201 : 200;
    hits.push({
      timeMs,
      protocol: 'ga4',
      method: endpoint.method,
      route: endpoint.route,
      status,
      durationMs: Math.round(endpoint.typicalMs * (0.5 + random() * random() * 4) * 10) / 10,
      client: `${1_000_000 + Math.floor(random() * random() * 400)}.1795953600`,
      title: `${endpoint.method} ${endpoint.route}`,
      host: 'api.example.com',
      eventName: 'page_view',
    });
  }
  return hits.sort((a, b) => a.timeMs - b.timeMs);
}
