import { isUsableHitId } from '../core/hit-id.js';
import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { validateGa4, validateGa4Parsed, type Ga4ValidationMessage } from '../protocols/ga4/validate.js';
import { relaxGa4, type LenientRequest } from './ga4-lenient.js';
import type { IngestResult } from './ingest-result.js';
import { decodeUtf8, hostOf, methodFrom, pathOf, refuse, routeFrom } from './ingest-result.js';
import { sameSecret } from './same-secret.js';
import type { IncomingHit } from './types.js';

export interface Ga4IngestContext {
  readonly nowMs: number;
  /** When set, only this `api_secret` is accepted. */
  readonly apiSecret?: string;
}

/** Checks the query's ids (and the secret, when the collector has one); undefined when fine. */
export function checkGa4Ids(query: URLSearchParams, apiSecret: string | undefined): IngestResult | undefined {
  const streamId = query.get('measurement_id') ?? query.get('firebase_app_id');
  if (streamId === null || streamId === '') {
    return refuse(400, 'missing measurement_id: send POST /mp/collect?measurement_id=G-XXXXXXXXXX&api_secret=SECRET (or firebase_app_id for app streams)');
  }
  const secret = query.get('api_secret');
  if (secret === null || secret === '') return refuse(400, 'missing api_secret: add &api_secret=SECRET to the query');
  if (apiSecret !== undefined && !sameSecret(secret, apiSecret)) {
    return refuse(403, 'api_secret does not match the one this collector was started with (--api-secret); the secret is not shown');
  }
  return undefined;
}

/**
 * Turns one `/mp/collect` body into hits as leniently as Google's collect endpoint (RELAXED
 * unless the body asks for ENFORCE_RECOMMENDATIONS): only a request that is not one at all
 * (ids, size, encoding, JSON, client id, events) is refused; the rest is kept with values cut,
 * parameters and events dropped, old timestamps rewritten, and each of those counted.
 */
export function ingestGa4(body: Uint8Array, query: URLSearchParams, context: Ga4IngestContext): IngestResult {
  const idProblem = checkGa4Ids(query, context.apiSecret);
  if (idProblem !== undefined) return idProblem;
  if (body.byteLength > GA4_LIMITS.maxBodyBytes) {
    return refuse(413, `body is ${body.byteLength} bytes; the Measurement Protocol limit is ${GA4_LIMITS.maxBodyBytes} bytes: send fewer events per request`);
  }
  const text = decodeUtf8(body);
  if (text === undefined) return refuse(400, 'body is not valid UTF-8: send the payload as UTF-8 JSON');
  return ingestGa4Payload(text, context.nowMs);
}

/**
 * One payload's text (size and ids already checked) into hits, by /mp/collect's rules; `/mp/batch`
 * applies it to each payload of its array, so both endpoints keep and refuse alike.
 */
export function ingestGa4Payload(text: string, nowMs: number, parsed?: unknown, keepOldTimestamps = false): IngestResult {
  // Parsed once: by the caller (/mp/batch parsed the whole array), or here.
  const body = parsed ?? parseJson(text);
  const validation = body === undefined ? validateGa4(text, { nowMs, behavior: 'RELAXED' }) : validateGa4Parsed(text, body, { nowMs, behavior: 'RELAXED' });
  const malformed = validation.validationMessages.filter(isMalformed);
  if (malformed.length > 0) {
    return refuse(400, `invalid Measurement Protocol payload (${malformed.length} problem${malformed.length === 1 ? '' : 's'}; POST it to /debug/mp/collect for the same messages)`, { validationMessages: malformed });
  }
  const request = relaxGa4(body as Record<string, unknown>, nowMs, keepOldTimestamps);
  return { ok: true, hits: toHits(request), leniency: request.leniency };
}

/** What Google refuses outright: no JSON object, no client, no events (duplicate keys are read, last one wins). */
const REQUEST_FIELDS: ReadonlySet<string> = new Set(['', 'client_id', 'app_instance_id', 'events']);

function isMalformed(message: Ga4ValidationMessage): boolean {
  return REQUEST_FIELDS.has(message.fieldPath) && message.validationCode !== 'NAME_DUPLICATED';
}

function toHits(request: LenientRequest): IncomingHit[] {
  return request.events.map((event) => {
    const { params } = event;
    const location = stringParam(params.page_location);
    const hit: Mutable<IncomingHit> = {
      timeMs: event.timeMs,
      protocol: 'ga4',
      method: methodFrom(params.api_method),
      route: routeFrom(stringParam(params.api_route) ?? pathOf(location), `(${event.name})`),
      client: request.client,
      eventName: event.name,
    };
    const status = params.http_status;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) hit.status = status;
    const duration = params.duration_ms;
    if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) hit.durationMs = duration;
    if (request.userId !== undefined) hit.userId = request.userId;
    const title = stringParam(params.page_title);
    if (title !== undefined) hit.title = title;
    const host = hostOf(location);
    if (host !== undefined) hit.host = host;
    // Other clients may send anything as `hit_id`: only a usable one is taken as the hit's id.
    if (isUsableHitId(params.hit_id)) hit.hitId = params.hit_id;
    return hit;
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The parsed text, or undefined when it is not JSON (validateGa4 then says why). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
