import type { RequestInfo } from '../../core/request-info.js';

/** The demo API's declared routes: some get traffic below, some never do. */
export const DEMO_ROUTES = [
  'GET /v1/users',
  'GET /v1/users/:id',
  'POST /v1/users',
  'GET /v1/orders/:orderId',
  'DELETE /v1/orders/:orderId',
  'GET /v1/reports/legacy',
  'GET /v1/export.csv',
] as const;

const CONSUMERS = [
  { ip: '203.0.113.7', agent: 'curl/8.5.0' },
  { ip: '198.51.100.23', agent: 'python-requests/2.32.3' },
  { ip: '2001:db8:4:1::42', agent: 'okhttp/4.12.0' },
];

/** A deterministic stream of requests against the demo API, as an adapter would report them. */
export function demoRequests(count: number, startMs: number): RequestInfo[] {
  const out: RequestInfo[] = [];
  for (let i = 0; i < count; i++) {
    const consumer = CONSUMERS[i % CONSUMERS.length] ?? CONSUMERS[0];
    const id = 1000 + ((i * 7919) % 500);
    const shapes: RequestInfo[] = [
      { method: 'GET', url: `/v1/users?page=${i}&api_key=sk_live_${id}`, route: '/v1/users', status: 200, durationMs: 12.5 },
      { method: 'GET', url: `/v1/users/${id}?fields=name,email`, route: '/v1/users/:id', status: i % 9 === 0 ? 404 : 200, durationMs: 8.25 },
      { method: 'POST', url: '/v1/users', route: '/v1/users', status: 201, durationMs: 31 },
      { method: 'GET', url: `/v1/orders/ord_${id}x9`, route: '/v1/orders/:orderId', status: 200, durationMs: 17.75 },
      { method: 'GET', url: `/wp-login.php?token=${id}`, route: null, status: 404, durationMs: 0.5 },
    ];
    const shape = shapes[i % shapes.length] ?? shapes[0];
    out.push({ ...shape, method: shape?.method ?? 'GET', url: shape?.url ?? '/', timestampMs: startMs + i * 1500, clientIp: consumer?.ip, headers: { host: 'api.example.com', userAgent: consumer?.agent } });
  }
  return out;
}
