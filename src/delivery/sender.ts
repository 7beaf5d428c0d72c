import { backoffMs } from './backoff.js';
import type { Breaker } from './breaker.js';
import type { Clock, TimerHandle } from './clock.js';
import type { FailReason } from './events.js';
import type { EncodedRequest } from './protocol.js';
import type { FailureReason, SendResult, Transport } from './transport.js';

/** A request on its way: waiting for its turn, in flight, or waiting to retry. */
export interface Job {
  readonly request: EncodedRequest;
  /** The drain that made it: `flush()` waits for the drains up to its own. */
  readonly generation: number;
  readonly bytes: number;
  attempts: number;
  firstAttemptMs: number | undefined;
  notBeforeMs: number;
  lastError: FailureReason | undefined;
}

export interface SenderSettings {
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly maxRetryMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly readBody: boolean;
}

export interface SenderHooks {
  delivered(job: Job, status: number, body: string | undefined): void;
  failed(job: Job, reason: FailReason, status?: number): void;
  retrying(job: Job): void;
}

export interface Sender {
  add(job: Job): void;
  /** Hits held by jobs waiting or in flight. */
  readonly hits: number;
  readonly bytes: number;
  readonly inFlight: number;
  readonly idle: boolean;
  /** Abandons every job now: in flight and waiting. Returns them for accounting. */
  abandon(): Job[];
}

/**
 * Sends jobs through one transport: at most `maxInFlight` at once, each retried with backoff
 * within `maxRetryMs`, all behind one shared circuit breaker. Retries wait in the same list
 * as new jobs, so an outage never multiplies requests.
 */
export function createSender(settings: SenderSettings, deps: { transport: Transport; breaker: Breaker; clock: Clock; random: () => number; hooks: SenderHooks }): Sender {
  const { transport, breaker, clock, hooks } = deps;
  const waiting: Job[] = [];
  const flying = new Set<Job>();
  const abort = new AbortController();
  let wake: { handle: TimerHandle; atMs: number } | undefined;
  let hits = 0;
  let bytes = 0;

  const take = (job: Job) => {
    hits -= job.request.hits.length;
    bytes -= job.bytes;
  };

  const pump = (): void => {
    while (flying.size < settings.maxInFlight) {
      const now = clock.now();
      const index = waiting.findIndex((job) => job.notBeforeMs <= now);
      if (index === -1 || !breaker.tryAcquire()) break;
      const [job] = waiting.splice(index, 1);
      if (job !== undefined) start(job);
    }
    armWake();
  };

  const armWake = () => {
    if (waiting.length === 0) return;
    const state = breaker.state;
    if (state === 'half-open' && flying.size > 0) return; // the probe's answer will pump
    const nextJob = Math.min(...waiting.map((job) => job.notBeforeMs));
    const atMs = state === 'open' ? Math.max(nextJob, breaker.reopensAtMs) : nextJob;
    const now = clock.now();
    if (atMs <= now) return; // ready, but every slot is busy: the next answer will pump
    if (wake !== undefined && wake.atMs <= atMs) return;
    if (wake !== undefined) clock.clearTimeout(wake.handle);
    wake = { atMs, handle: clock.setTimeout(() => { wake = undefined; pump(); }, atMs - now) };
  };

  const start = (job: Job) => {
    flying.add(job);
    job.attempts++;
    job.firstAttemptMs ??= clock.now();
    void transport
      .send(job.request, { timeoutMs: settings.timeoutMs, signal: abort.signal, readBody: settings.readBody })
      .catch((error: unknown): SendResult => ({ kind: 'retryable', reason: 'network', error: String(error) }))
      .then((result) => {
        if (!flying.delete(job)) return; // abandoned at close: already accounted
        settle(job, result);
        pump();
      });
  };

  const settle = (job: Job, result: SendResult) => {
    if (result.kind === 'success') {
      breaker.onSuccess();
      take(job);
      hooks.delivered(job, result.status, result.body);
      return;
    }
    if (result.kind === 'failure') {
      if (result.status !== undefined) breaker.onSuccess(); // the server answered: it is up
      take(job);
      hooks.failed(job, result.reason === 'aborted' ? 'aborted' : result.reason === 'http_4xx' ? 'http_4xx' : 'http_other', result.status);
      return;
    }
    job.lastError = result.reason;
    breaker.onFailure(result.retryAfterMs ?? 0);
    const delay = backoffMs(job.attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxDelayMs, random: deps.random, retryAfterMs: result.retryAfterMs });
    const now = clock.now();
    if (now + delay - (job.firstAttemptMs ?? now) > settings.maxRetryMs) {
      take(job);
      hooks.failed(job, 'retry_deadline', result.status);
      return;
    }
    job.notBeforeMs = now + delay;
    waiting.push(job);
    hooks.retrying(job);
  };

  return {
    add(job) {
      hits += job.request.hits.length;
      bytes += job.bytes;
      waiting.push(job);
      pump();
    },
    get hits() {
      return hits;
    },
    get bytes() {
      return bytes;
    },
    get inFlight() {
      return flying.size;
    },
    get idle() {
      return waiting.length === 0 && flying.size === 0;
    },
    abandon() {
      const all = [...flying, ...waiting.splice(0)];
      flying.clear();
      if (wake !== undefined) clock.clearTimeout(wake.handle);
      wake = undefined;
      abort.abort(new Error('tracker closed'));
      for (const job of all) take(job);
      return all;
    },
  };
}
