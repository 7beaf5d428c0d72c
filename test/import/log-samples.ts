import type { DeclaredRoute } from '../../src/collector/types.js';
import { createRandom } from '../../src/collector/random.js';

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


/** The formats a sample can be written in; `nginx` is NGINX_FORMAT. */
export type SampleFormat = 'combined' | 'common' | 'nginx' | 'json' | 'alb';

/** A custom nginx log_format with a duration, the host and X-Forwarded-For. */
export const NGINX_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time host=$host';

export interface SampleOptions {
  readonly format?: SampleFormat;
  readonly lines: number;
  readonly seed?: number;
  /** The day of the first line, epoch ms at 00:00 UTC. @default 2026-11-02 */
  readonly dayMs?: number;
  /** Spread lines over this many days. @default 1 */
  readonly days?: number;
}

/** Lines in one format (combined by default): IPv4 and IPv6 clients, escaped quotes, `-` fields, query values, malformed lines. */
export function combinedSample(options: SampleOptions): Sample {
  const format = options.format ?? 'combined';
  const next = createRandom(options.seed ?? 7);
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
      lines.push(i % 2 === 0 ? 'this is not a log line' : BROKEN[format]);
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
    lines.push(WRITERS[format]({ ip, timeMs, method, path, status, bytes, referer, agent, durationMs: (i % 300) / 7 }));
    if (key === '') skipped++;
    else count(key, `${subnet}|${format === 'common' ? '' : agent}|${day}`);
  }
  const used = new Set(expected.keys());
  const unused = ROUTES.filter((route) => route.route !== '/health' && !used.has(`${route.method} ${route.route}`)).map((route) => `${route.method} ${route.route}`);
  return { lines, expected, unused, malformed, skipped, secrets };
}

interface Fields { ip: string; timeMs: number; method: string; path: string; status: number; bytes: string; referer: string; agent: string; durationMs: number }

const WRITERS: Record<SampleFormat, (f: Fields) => string> = {
  combined: (f) => `${f.ip} - - [${clf(f.timeMs)}] "${f.method} ${f.path} HTTP/1.1" ${f.status} ${f.bytes} "${f.referer}" "${f.agent.replace(/"/g, '\\"')}"`,
  common: (f) => `${f.ip} - - [${clf(f.timeMs)}] "${f.method} ${f.path} HTTP/1.1" ${f.status} ${f.bytes}`,
  // nginx escapes a quote as \x22.
  nginx: (f) => `${f.ip} - - [${clf(f.timeMs)}] "${f.method} ${f.path} HTTP/1.1" ${f.status} ${f.bytes} "${f.referer}" "${f.agent.replace(/"/g, '\\x22')}" rt=${(f.durationMs / 1000).toFixed(3)} host=api.example.com`,
  json: (f) => JSON.stringify({ level: 30, time: f.timeMs, req: { id: 1, method: f.method, url: f.path, headers: { host: 'api.example.com', 'user-agent': f.agent, ...(f.referer === '-' ? {} : { referer: f.referer }) }, remoteAddress: f.ip, remotePort: 50123 }, res: { statusCode: f.status }, responseTime: f.durationMs, msg: 'request completed' }),
  alb: (f) => `https ${new Date(f.timeMs).toISOString()} app/my-lb/50dc6c495c0c9188 ${f.ip.includes(':') ? `[${f.ip}]` : f.ip}:2817 10.0.0.1:80 0.000 ${(f.durationMs / 1000).toFixed(3)} 0.000 ${f.status} ${f.status} 34 366 "${f.method} https://api.example.com:443${f.path} HTTP/1.1" "${f.agent.replace(/"/g, '\\"')}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 ${new Date(f.timeMs).toISOString()} "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"`,
};

/** A line of each format that its parser refuses. */
const BROKEN: Record<SampleFormat, string> = {
  combined: '10.0.0.1 - - [02/Nov/2026:10:00:00 +0000] "GET /v1/users/1 HTTP/1.1" abc -',
  common: '10.0.0.1 - - [02/Nov/2026:10:00:00 +0000] "GET /v1/users/1 HTTP/1.1" abc -',
  nginx: '10.0.0.1 - - [02/Nov/2026:10:00:00 +0000] "GET /v1/users/1 HTTP/1.1" 200 5 "-" "curl" rt=0.001',
  json: '{"level":30,"msg":"server listening","port":3000}',
  alb: 'https 2026-11-02T10:00:00.000000Z app/my-lb/50dc6c495c0c9188 10.0.0.1:2817',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `02/Nov/2026:10:00:00 +0000` */
export function clf(timeMs: number): string {
  const d = new Date(timeMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
