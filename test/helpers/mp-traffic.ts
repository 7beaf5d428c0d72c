import { Agent, request } from 'undici';

/** One hit as sent: who, which endpoint, under which hit id. */
export interface SentHit {
  readonly client: string;
  readonly hitId: string;
  readonly method: string;
  readonly route: string;
}

/** A GA4 request written by hand (GA4's /mp/collect, or Footfall's /mp/batch of several consumers), and the hits it carries. */
export interface MpRequest {
  readonly path: '/mp/collect' | '/mp/batch';
  readonly body: string;
  readonly hits: readonly SentHit[];
}

export const MP_QUERY = 'measurement_id=G-FLEET01&api_secret=fleet';

const ENDPOINTS: readonly (readonly [string, string])[] = [
  ['GET', '/v1/users/:id'], ['GET', '/v1/users'], ['POST', '/v1/orders'], ['GET', '/v1/orders/:id'],
  ['DELETE', '/v1/orders/:id'], ['GET', '/v1/search'], ['PUT', '/v1/users/:id/avatar'], ['GET', '/v1/reports'],
];

/**
 * Makes requests whose every hit has an id of its own (`prefix` + a counter), clients drawn
 * from `clients` pseudonymous ids, endpoints from a fixed eight, timestamps from `nowMs()`.
 * Deterministic for a prefix: the test computes what the reports must say from what it sent.
 */
export function createMpTraffic(prefix: string, clients: number, nowMs: () => number = Date.now) {
  let hits = 0;
  let draws = 0;
  const client = () => `${1000 + ((draws++ * 7919) % clients)}.1795953600`;
  const events = (who: string, count: number): { hits: SentHit[]; events: unknown[] } => {
    const sent: SentHit[] = [];
    const list = Array.from({ length: count }, () => {
      const n = hits++;
      const [method, route] = ENDPOINTS[(n * 31 + who.length) % ENDPOINTS.length] as readonly [string, string];
      const hitId = `${prefix}-${n}`;
      sent.push({ client: who, hitId, method, route });
      return { name: 'page_view', params: { api_route: route, api_method: method, http_status: n % 17 === 0 ? 500 : 200, duration_ms: 1 + (n % 50), hit_id: hitId } };
    });
    return { hits: sent, events: list };
  };
  const payload = (count: number) => {
    const who = client();
    const made = events(who, count);
    return { hits: made.hits, body: { client_id: who, timestamp_micros: nowMs() * 1000, events: made.events } };
  };
  return {
    /** One consumer's /mp/collect body of `count` page views (GA4 takes at most 25). */
    collect(count: number): MpRequest {
      const made = payload(count);
      return { path: '/mp/collect', body: JSON.stringify(made.body), hits: made.hits };
    },
    /** Footfall's /mp/batch: `consumers` payloads of `perConsumer` page views. */
    batch(consumers: number, perConsumer: number): MpRequest {
      const made = Array.from({ length: consumers }, () => payload(perConsumer));
      return { path: '/mp/batch', body: JSON.stringify(made.map((one) => one.body)), hits: made.flatMap((one) => one.hits) };
    },
  };
}

/** Per endpoint ("METHOD route"): hits and distinct consumers, and the totals — each (client, hit id) counted once. */
export interface Usage {
  readonly endpoints: readonly string[];
  readonly hits: number;
  readonly clients: number;
}

/** What a report must say for these requests, computed from what was sent (a request sent twice counts once). */
export function expectedUsage(requests: Iterable<MpRequest>): Usage {
  const seen = new Set<string>();
  const byEndpoint = new Map<string, { hits: number; clients: Set<string> }>();
  const clients = new Set<string>();
  for (const sent of requests) {
    for (const hit of sent.hits) {
      const key = `${hit.client} ${hit.hitId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      clients.add(hit.client);
      const name = `${hit.method} ${hit.route}`;
      const entry = byEndpoint.get(name) ?? { hits: 0, clients: new Set<string>() };
      entry.hits++;
      entry.clients.add(hit.client);
      byEndpoint.set(name, entry);
    }
  }
  return { endpoints: [...byEndpoint].map(([name, entry]) => `${name} hits=${entry.hits} clients=${entry.clients.size}`).sort(), hits: seen.size, clients: clients.size };
}

/** The same figures read from an endpoints report (`/api/endpoints`, `footfall report --format json`). */
export function usageOf(report: { endpoints: readonly { method: string; route: string; hits: number; clients: number }[]; hits: number; clients: number }): Usage {
  return { endpoints: report.endpoints.map((e) => `${e.method} ${e.route} hits=${e.hits} clients=${e.clients}`).sort(), hits: report.hits, clients: report.clients };
}

/** Keep-alive connections that give up on an answer after `timeoutMs` (a hang fails the test instead of stalling it). */
export function createClientAgent(timeoutMs = 30_000): Agent {
  return new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
}

/** POSTs a request to a collector; its status and body, or the network error's code when there was no answer. */
export async function postMp(base: string, sent: MpRequest, dispatcher?: Agent): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const response = await request(`${base}${sent.path}?${MP_QUERY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent.body, ...(dispatcher === undefined ? {} : { dispatcher }) });
    return { status: response.statusCode, text: await response.body.text() };
  } catch (error) {
    return { error: String((error as { code?: unknown }).code ?? error) };
  }
}

/** One attempt at delivering a request: where, what came back (a status, or a network error's code), how long it took. */
export interface Attempt {
  readonly target: string;
  readonly status?: number;
  readonly text?: string;
  readonly error?: string;
  readonly ms: number;
}

export interface SendOptions {
  /** Requests in flight at once (each worker sends one at a time). */
  readonly workers: number;
  /** The collector an attempt goes to (a load balancer's choice: `attempt` counts from 0). */
  readonly pick: (index: number, attempt: number) => string;
  readonly dispatcher?: Agent;
  /** Called after a retryable answer (503, or no answer), before the retry: e.g. to look at what was stored. */
  readonly beforeRetry?: (sent: MpRequest, attempt: Attempt) => Promise<void> | void;
  /** Called after each attempt. */
  readonly onAttempt?: (attempt: Attempt) => void;
  /** Wait between a failed attempt and its retry. @default 20 */
  readonly pauseMs?: number;
  /** Give up on a request after this many attempts. @default 500 */
  readonly maxAttempts?: number;
  /** Checked before each attempt: true stops sending (a test that failed cleans up). */
  readonly stopped?: () => boolean;
}

/**
 * Delivers every request as a tracker would: a 503 or a lost connection is retried (after a
 * pause, maybe at another collector), anything else is final. Returns each request's attempts.
 */
export async function sendAll(requests: readonly MpRequest[], options: SendOptions): Promise<Attempt[][]> {
  const log: Attempt[][] = requests.map(() => []);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const sent = requests[index] as MpRequest;
      for (let attempt = 0; attempt < (options.maxAttempts ?? 500); attempt++) {
        if (options.stopped?.() === true) return;
        const target = options.pick(index, attempt);
        const started = performance.now();
        const answer = await postMp(target, sent, options.dispatcher);
        const made: Attempt = { target, ms: performance.now() - started, ...answer };
        log[index]?.push(made);
        options.onAttempt?.(made);
        if ('status' in answer && answer.status !== 503) break;
        await options.beforeRetry?.(sent, made);
        await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return log;
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
