import type { Hit } from '../../src/core/hit.js';
import { T0 } from './context.js';

/** A complete hit, written out by hand, for golden tests of the encoders. */
export const FULL_HIT: Hit = {
  hitId: 'k3j9x0a1bq-1z',
  clientId: '1234567890.1795953600',
  userId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  sessionId: 1795953600,
  timestampMs: T0,
  method: 'GET',
  route: '/v1/users/:id',
  status: 200,
  durationMs: 12.346,
  protocol: 'https',
  host: 'api.example.com',
  path: '/v1/users/:id?fields',
  location: 'https://api.example.com/v1/users/:id?fields',
  title: 'GET /v1/users/:id',
  referrer: 'https://app.example.com',
  userAgent: 'curl/8.5.0',
};

/** The least a hit carries. */
export const MINIMAL_HIT: Hit = {
  hitId: 'k3j9x0a1bq-0',
  clientId: '42.1795953600',
  sessionId: 1795953600,
  timestampMs: T0,
  method: 'POST',
  route: '(unmatched)',
  status: 0,
  durationMs: 0,
  protocol: 'http',
  host: 'unknown.invalid',
  path: '/(unmatched)',
  location: 'http://unknown.invalid/(unmatched)',
  title: 'POST (unmatched)',
};

let made = 0;

/** FULL_HIT at another time, with an id of its own (a collector stores each id once). */
export function hitAt(offsetMs: number, overrides: Partial<Hit> = {}): Hit {
  return { ...FULL_HIT, hitId: `hitathelpr-${(made++).toString(36)}`, timestampMs: T0 + offsetMs, ...overrides };
}
