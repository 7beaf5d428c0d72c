import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../delivery/clock.js';
import { validateGa4 } from '../protocols/ga4/validate.js';
import { validateUa } from '../protocols/ua/validate.js';
import type { FaultDecision, Faults } from './faults.js';
import type { Leniency } from './ga4-lenient.js';
import { sendEmpty, sendError, sendJson } from './http-reply.js';
import { ingestGa4 } from './ingest-ga4.js';
import { ingestGa4Batch, validateGa4Batch } from './ingest-ga4-batch.js';
import type { IngestResult } from './ingest-result.js';
import type { IngestRoute } from './ingest-routes.js';
import { checkContentType } from './ingest-routes.js';
import { ingestUa } from './ingest-ua.js';
import { readBody } from './read-body.js';
import type { IncomingHit } from './types.js';
import type { WriteQueue, WriteResult } from './write-queue.js';

export interface IngestContext {
  readonly clock: Clock;
  readonly faults: Faults;
  readonly writes: WriteQueue;
  readonly apiSecret?: string;
  /** Called for each stored request (the hits stored, those not stored as duplicates, what was cut or dropped to keep them) and each refusal (printing, counting). */
  readonly onStored: (stored: readonly IncomingHit[], duplicates: readonly IncomingHit[], receivedMs: number, leniency?: Leniency) => void;
  readonly onRefused: (status: number, reason: string, fault: boolean) => void;
  /** Hang and delay timers, so `close()` can cancel them. */
  readonly timers: Set<{ cancel: () => void }>;
}

/** What one request came to, for `onRequest` (filled in as it is handled). */
export interface IngestTally {
  /** Hits not stored because their hit id was stored already. */
  duplicates: number;
}

type Answer = (res: ServerResponse) => void;

/** A 1x1 transparent GIF: what Google's v1 `/collect` answers. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const MAX_SLEEP_S = 600;

/**
 * One Measurement Protocol request: read, (mis)behave, validate, store whole or refuse whole.
 * A hang holds the request before it is validated, or with `hangStores` after it is stored and
 * before it is answered.
 */
export async function handleIngest(req: IncomingMessage, res: ServerResponse, url: URL, route: IngestRoute, context: IngestContext, tally: IngestTally = { duplicates: 0 }): Promise<void> {
  const method = req.method ?? 'GET';
  if (!route.methods.includes(method)) {
    return refuse(res, context, 405, `${url.pathname} takes ${route.methods.join(' or ')}, got ${method}`, { allow: route.methods.join(', ') });
  }
  const typeProblem = method === 'POST' ? checkContentType(route, req.headers['content-type']) : undefined;
  if (typeProblem !== undefined) return refuse(res, context, 415, typeProblem);
  const sleep = parseSleep(url.searchParams.get('sleep'));
  if (typeof sleep === 'string') return refuse(res, context, 400, sleep);
  const read = method === 'GET' ? { ok: true as const, body: Buffer.from(queryPayload(url)) } : await readBody(req, route.maxBodyBytes);
  if (!read.ok) return refuse(res, context, read.status, read.error, { connection: 'close' });
  if (route.debug) return sendJson(res, 200, validate(route, read.body, context.clock.now()));
  const fate = context.faults.decide(sleep * 1000);
  const storeFirst = fate.storeFirst === true;
  if (!(await wait(fate.delayMs + (storeFirst ? 0 : fate.hangMs), res, context))) return;
  if (fate.failStatus !== undefined) return misbehave(res, context, fate);
  const answer = await accept(route, read.body, url, context, tally);
  if (storeFirst && !(await wait(fate.hangMs, res, context))) return;
  answer(res);
}

/** Validates and stores one request; returns its answer, to send now or after a hold. */
async function accept(route: IngestRoute, body: Buffer, url: URL, context: IngestContext, tally: IngestTally): Promise<Answer> {
  const nowMs = context.clock.now();
  const result = ingest(route, body, url, nowMs, context.apiSecret);
  if (!result.ok) return refusal(context, result.status, result.error, {}, result.details);
  let written: WriteResult;
  try {
    written = await context.writes.write(result.hits, nowMs);
  } catch (error) {
    return refusal(context, 503, `the hits could not be stored (${error instanceof Error ? error.message : String(error)}); retry later`);
  }
  const duplicate = new Set(written.duplicates);
  tally.duplicates = duplicate.size;
  context.onStored(result.hits.filter((_, i) => !duplicate.has(i)), result.hits.filter((_, i) => duplicate.has(i)), nowMs, result.leniency);
  return route.protocol === 'ga4' ? (res) => sendEmpty(res, 204) : sendPixel;
}

function sendPixel(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL.byteLength, 'cache-control': 'no-cache, no-store' });
  res.end(PIXEL);
}

function ingest(route: IngestRoute, body: Buffer, url: URL, nowMs: number, apiSecret: string | undefined): IngestResult {
  if (route.protocol === 'ua') return ingestUa(body, route.batch, nowMs);
  const context = apiSecret === undefined ? { nowMs } : { nowMs, apiSecret };
  return route.batch ? ingestGa4Batch(body, url.searchParams, context) : ingestGa4(body, url.searchParams, context);
}

/** A debug path's answer: the validation server's messages, storing nothing. */
function validate(route: IngestRoute, body: Buffer, nowMs: number): unknown {
  if (route.protocol === 'ua') return validateUa(body, { single: !route.batch });
  return route.batch ? validateGa4Batch(body, nowMs) : validateGa4(body, { nowMs, behavior: 'payload' });
}

function refuse(res: ServerResponse, context: IngestContext, status: number, reason: string, headers: Record<string, string> = {}): void {
  refusal(context, status, reason, headers)(res);
}

/** Counts a refusal now and returns its answer. */
function refusal(context: IngestContext, status: number, reason: string, headers: Record<string, string> = {}, details?: unknown): Answer {
  context.onRefused(status, reason, false);
  return (res) => sendError(res, status, reason, details, headers);
}

function misbehave(res: ServerResponse, context: IngestContext, fate: FaultDecision): void {
  const status = fate.failStatus ?? 500;
  const headers: Record<string, string> = fate.retryAfterS === undefined ? {} : { 'retry-after': String(fate.retryAfterS) };
  context.onRefused(status, 'failed on purpose (fault injection)', true);
  sendError(res, status, 'failed on purpose: this collector runs with fault injection (--fail-rate / --status)', undefined, headers);
}

/** `?sleep=N` (seconds, as in the seed), 0 when absent, or the refusal text. */
function parseSleep(text: string | null): number | string {
  if (text === null) return 0;
  const seconds = Number(text);
  if (text.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SLEEP_S) return seconds;
  return `?sleep= must be a number of seconds from 0 to ${MAX_SLEEP_S}, got ${JSON.stringify(text)}`;
}

/**
 * A v1 GET carries the payload in its query, kept as sent (a bad escape stays bad, as in a
 * POST body); `sleep` is the collector's own, not the hit's.
 */
function queryPayload(url: URL): string {
  return url.search.slice(1).split('&').filter((pair) => pair !== 'sleep' && !pair.startsWith('sleep=')).join('&');
}

/** Waits on the injected clock; false when the client went away meanwhile (nothing more is done: no answer, no store). */
function wait(ms: number, res: ServerResponse, context: IngestContext): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const entry = {
      cancel: () => {
        context.clock.clearTimeout(handle);
        context.timers.delete(entry);
        res.off('close', onClose);
        resolve(false);
      },
    };
    const onClose = (): void => entry.cancel();
    const handle = context.clock.setTimeout(() => {
      context.timers.delete(entry);
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    context.timers.add(entry);
    res.on('close', onClose);
  });
}
