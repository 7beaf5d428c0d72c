import type { DeclaredRoute } from '../../src/collector/types.js';

/**
 * Access-log samples made by the tests, with what a report must say about them computed here,
 * independently of the import: per endpoint (declared template, or `(unmatched)`) the hits and
 * the distinct consumers (one consumer = one /24 + user agent on one UTC day, as live traffic's
 * anonymous ids), and the declared routes no line uses.
 */
export interface Sample {
  readonly lines: string[];
  /** `METHOD route` -> hits and distinct consumers. */
  readonly expected: Map<string, { hits: number; consumers: Set<string> }>;
  readonly unused: string[];
  readonly malformed: number;
  /** Lines skipped as live traffic skips them (OPTIONS, health checks). */
  readonly skipped: number;
  /** Every address and query value written into a line: none may reach the store. */
  readonly secrets: string[];
}

export const ROUTES: DeclaredRoute[] = [
  { method: 'GET', route: '/v1/users/:id' },
  { method: 'POST', route: '/v1/users' },
  { method: 'GET', route: '/v1/orders/:orderId/items' },
  { method: 'DELETE', route: '/v1/users/:id' },
  { method: 'GET', route: '/v1/legacy/report' },
  { method: 'GET', route: '/health' },
];

const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64) "quoted" agent', 'okhttp/4.12', 'python-requests/2.31'];

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  readonly lines: number;
  readonly seed?: number;
  /** The day of the first line, epoch ms at 00:00 UTC. @default 2026-11-02 */
  readonly dayMs?: number;
  /** Spread lines over this many days. @default 1 */
  readonly days?: number;
}

/** Combined-format lines: IPv4 and IPv6 clients, escaped quotes, `-` fields, query values, malformed lines. */
export function combinedSample(options: SampleOptions): Sample {
  const next = random(options.seed ?? 7);
  const dayMs = options.dayMs ?? Date.UTC(2026, 10, 2);
  const days = options.days ?? 1;
  const lines: string[] = [];
  const expected = new Map<string, { hits: number; consumers: Set<string> }>();
  const secrets: string[] = [];
  let malformed = 0;
  let skipped = 0;
  const count = (key: string, consumer: string) => {
    const entry = expected.get(key) ?? { hits: 0, consumers: new Set<string>() };
    entry.hits++;
    entry.consumers.add(consumer);
    expected.set(key, entry);
  };
  for (let i = 0; i < options.lines; i++) {
    const timeMs = dayMs + Math.floor((i / options.lines) * days * 86_400_000);
    const day = new Date(timeMs).toISOString().slice(0, 10);
    if (i % 97 === 13) {
      lines.push(i % 2 === 0 ? 'this is not a log line' : `10.0.0.1 - - [02/Nov/2026:10:00:00 +0000] "GET /v1/users/1 HTTP/1.1" abc -`);
      malformed++;
      continue;
    }
    const net = Math.floor(next() * 40);
    const v6 = net % 5 === 0;
    const ip = v6 ? `2001:db8:${net.toString(16)}::${Math.floor(next() * 9000) + 1}` : `198.${net}.7.${Math.floor(next() * 250) + 1}`;
    const subnet = v6 ? `2001:db8:${net.toString(16)}::` : `198.${net}.7.0`;
    const agent = AGENTS[net % AGENTS.length] as string;
    const secret = `s${i}x${Math.floor(next() * 1e6)}`;
    secrets.push(ip, secret);
    const pick = Math.floor(next() * 10);
    let method = 'GET';
    let path: string;
    let key: string;
    if (pick < 4) {
      path = `/v1/users/${1000 + Math.floor(next() * 500)}?token=${secret}`;
      key = 'GET /v1/users/:id';
    } else if (pick < 6) {
      method = 'POST';
      path = '/v1/users';
      key = 'POST /v1/users';
    } else if (pick < 8) {
      path = `/v1/orders/ord-${Math.floor(next() * 99)}/items?page=${secret}`;
      key = 'GET /v1/orders/:orderId/items';
    } else if (pick < 9) {
      path = `/v2/nowhere/${Math.floor(next() * 50)}?q=${secret}`;
      key = 'GET (unmatched)';
    } else {
      method = i % 2 === 0 ? 'OPTIONS' : 'GET';
      path = i % 2 === 0 ? '/v1/users' : '/health';
      key = '';
    }
    const status = pick === 8 ? 404 : 200 + (i % 3 === 0 ? 1 : 0);
    const referer = i % 4 === 0 ? '-' : `https://app.example.com/page?ref=${secret}`;
    const bytes = i % 5 === 0 ? '-' : String(100 + i);
    const escapedAgent = agent.replace(/"/g, '\\"');
    lines.push(`${ip} - - [${clf(timeMs)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${referer}" "${escapedAgent}"`);
    if (key === '') skipped++;
    else count(key, `${subnet}|${agent}|${day}`);
  }
  const used = new Set(expected.keys());
  const unused = ROUTES.filter((route) => route.route !== '/health' && !used.has(`${route.method} ${route.route}`)).map((route) => `${route.method} ${route.route}`);
  return { lines, expected, unused, malformed, skipped, secrets };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `02/Nov/2026:10:00:00 +0000` */
export function clf(timeMs: number): string {
  const d = new Date(timeMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
