import { request } from 'undici';
import { createRandom } from '../../collector/random.js';

/** The demo's consumers: told apart by user agent (and API key, hashed before it leaves). */
const CONSUMERS = [
  { agent: 'acme-billing/2.3 (+https://acme.example)', key: 'key_acme_4f1c' },
  { agent: 'python-requests/2.32.3', key: 'key_data_team_9d2e' },
  { agent: 'okhttp/4.12.0 (android app)', key: 'key_mobile_77aa' },
  { agent: 'curl/8.5.0', key: undefined },
  { agent: 'Mozilla/5.0 (internal dashboard)', key: 'key_ops_0b3f' },
  { agent: 'Go-http-client/1.1', key: 'key_partner_51c0' },
] as const;

/** Weighted calls; PATCH /v1/users/:id, DELETE /v1/orders/:orderId, /v1/reports/legacy and /v1/export.csv are never called. */
const CALLS: readonly { weight: number; method: string; path: (n: number) => string; body?: string; healthCheck?: true }[] = [
  { weight: 30, method: 'GET', path: (n) => (n % 4 === 0 ? '/v1/users?page=2&api_key=sk_live_should_never_leave' : '/v1/users') },
  { weight: 30, method: 'GET', path: (n) => `/v1/users/${1 + (n % 14)}` },
  { weight: 5, method: 'POST', path: () => '/v1/users', body: '{"name":"new"}' },
  { weight: 10, method: 'GET', path: () => '/v1/orders?status=open' },
  { weight: 15, method: 'GET', path: (n) => `/v1/orders/ord_${1000 + (n % 97)}` },
  { weight: 5, method: 'POST', path: () => '/v1/orders', body: '{"items":[1,2]}' },
  { weight: 3, method: 'GET', path: () => '/health', healthCheck: true },
  { weight: 2, method: 'GET', path: (n) => (n % 2 === 0 ? '/wp-login.php' : '/.env') },
];
const TOTAL_WEIGHT = CALLS.reduce((sum, call) => sum + call.weight, 0);

export interface TrafficOptions {
  /** The demo API's origin, e.g. `http://127.0.0.1:4001`. */
  readonly baseUrl: string;
  /** Requests per second. */
  readonly ratePerS: number;
  /** Stop after this many requests (undefined: until `stop()`). */
  readonly maxRequests?: number;
  readonly seed: number;
}

export interface Traffic {
  /** Resolves when `maxRequests` were answered or `stop()` was called and the last answer came. */
  readonly done: Promise<void>;
  stop(): void;
  readonly sent: () => number;
  /** How many of the requests sent were health checks (the adapters do not record those by default). */
  readonly healthChecks: () => number;
}

/** Calls the demo API at a steady rate with a seeded mix of consumers and endpoints. */
export function startTraffic(options: TrafficOptions): Traffic {
  const random = createRandom(options.seed);
  let sent = 0;
  let healthChecks = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const settle = (): void => {
    if (stopped && inFlight === 0) finish();
  };
  const tick = (): void => {
    if (stopped) return;
    if (options.maxRequests !== undefined && sent >= options.maxRequests) {
      stopped = true;
      return settle();
    }
    sent++;
    inFlight++;
    const call = pick(random());
    if (call.healthCheck === true) healthChecks++;
    void callOnce(options.baseUrl, call, random, sent).finally(() => {
      inFlight--;
      settle();
    });
    timer = setTimeout(tick, 1000 / options.ratePerS);
  };
  tick();
  return {
    done,
    sent: () => sent,
    healthChecks: () => healthChecks,
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      settle();
    },
  };
}

async function callOnce(baseUrl: string, call: (typeof CALLS)[number], random: () => number, n: number): Promise<void> {
  const consumer = CONSUMERS[Math.floor(random() * CONSUMERS.length)] ?? CONSUMERS[0];
  const headers: Record<string, string> = { 'user-agent': consumer.agent };
  if (consumer.key !== undefined) headers['x-api-key'] = consumer.key;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await request(`${baseUrl}${call.path(n)}`, { method: call.method, headers, body: call.body ?? null });
    await response.body.dump();
  } catch {
    // The demo API went away (shutting down): nothing to do.
  }
}

function pick(draw: number): (typeof CALLS)[number] {
  let left = draw * TOTAL_WEIGHT;
  for (const call of CALLS) {
    left -= call.weight;
    if (left < 0) return call;
  }
  return CALLS[0] ?? { weight: 1, method: 'GET', path: () => '/' };
}
