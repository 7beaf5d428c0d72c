// The hits bench/store and bench/retention fill a store with: 40 endpoints, 2 000 clients,
// realistic statuses (5.2 % 4xx, 0.8 % 5xx) and durations spread around a per-endpoint median
// of 4 to 183 ms, skewed like real traffic, in time order, one every `msPerHit` from `startMs`.
import type { IncomingHit } from '../src/collector/types.js';
import { createRandom as random } from '../src/collector/random.js';

export const ENDPOINTS = 40;
export const CLIENTS = 2000;

/** Index 0..n-1, skewed like real traffic: a few endpoints and clients take most hits. */
function skewed(next: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * next() ** 2.5));
}

/** A generator of the next `count` hits; the same seed (42), so every run gets the same hits. `clients` defaults to CLIENTS. */
export function makeStoreHits(startMs: number, msPerHit: number, clientCount = CLIENTS): (count: number) => IncomingHit[] {
  const next = random(42);
  const routes = Array.from({ length: ENDPOINTS }, (_, i) => ({ method: i % 4 === 1 ? 'POST' : i % 9 === 2 ? 'DELETE' : 'GET', route: `/v1/resource${i}/:id`, medianMs: 4 + ((i * 37) % 180) }));
  const clients = Array.from({ length: clientCount }, (_, k) => `${1_000_000_000 + k * 7919}.${1_764_000_000 + k}`);
  let i = 0;
  return (count) => Array.from({ length: count }, () => {
    const endpoint = routes[skewed(next, ENDPOINTS)] ?? routes[0];
    if (endpoint === undefined) throw new Error('no endpoint');
    const timeMs = startMs + Math.floor(i++ * msPerHit) + Math.floor(next() * 1000);
    const roll = next();
    const status = roll < 0.005 ? 500 : roll < 0.008 ? 503 : roll < 0.04 ? 404 : roll < 0.055 ? 400 : roll < 0.06 ? 401 : roll < 0.2 ? 201 : 200;
    const durationMs = Math.round(endpoint.medianMs * Math.exp((next() + next() + next() - 1.5) * 1.2) * 100) / 100;
    return { timeMs, protocol: 'ga4', method: endpoint.method, route: endpoint.route, status, durationMs, client: clients[skewed(next, clientCount)] ?? '', title: `${endpoint.method} ${endpoint.route}`, host: 'api.example.com', eventName: 'page_view' };
  });
}
