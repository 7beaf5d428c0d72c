import { isUsableHitId } from '../core/hit-id.js';
import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { validateGa4 } from '../protocols/ga4/validate.js';
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
 * Turns one `/mp/collect` body into hits. The body must pass `validateGa4` whole: an invalid
 * request is refused with the validator's messages and nothing of it is stored.
 */
export function ingestGa4(body: Uint8Array, query: URLSearchParams, context: Ga4IngestContext): IngestResult {
  const idProblem = checkGa4Ids(query, context.apiSecret);
  if (idProblem !== undefined) return idProblem;
  if (body.byteLength > GA4_LIMITS.maxBodyBytes) {
    return refuse(413, `body is ${body.byteLength} bytes; the Measurement Protocol limit is ${GA4_LIMITS.maxBodyBytes} bytes: send fewer events per request`);
  }
  const text = decodeUtf8(body);
  if (text === undefined) return refuse(400, 'body is not valid UTF-8: send the payload as UTF-8 JSON');
  const { validationMessages } = validateGa4(text, { nowMs: context.nowMs });
  if (validationMessages.length > 0) {
    return refuse(400, `invalid Measurement Protocol payload (${validationMessages.length} problem${validationMessages.length === 1 ? '' : 's'}; POST it to /debug/mp/collect for the same messages)`, { validationMessages });
  }
  return { ok: true, hits: toHits(JSON.parse(text) as Ga4Body, context.nowMs) };
}

interface Ga4Body {
  client_id?: string;
  app_instance_id?: string;
  user_id?: string;
  timestamp_micros?: number | string;
  events: { name: string; timestamp_micros?: number | string; params?: Record<string, unknown> }[];
}

function toHits(body: Ga4Body, nowMs: number): IncomingHit[] {
  const client = body.client_id ?? body.app_instance_id ?? '';
  const requestMs = microsToMs(body.timestamp_micros) ?? nowMs;
  return body.events.map((event) => {
    const params = event.params ?? {};
    const location = stringParam(params.page_location);
    const hit: Mutable<IncomingHit> = {
      timeMs: microsToMs(event.timestamp_micros) ?? requestMs,
      protocol: 'ga4',
      method: methodFrom(params.api_method),
      route: routeFrom(stringParam(params.api_route) ?? pathOf(location), `(${event.name})`),
      client,
      eventName: event.name,
    };
    const status = params.http_status;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) hit.status = status;
    const duration = params.duration_ms;
    if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) hit.durationMs = duration;
    if (body.user_id !== undefined) hit.userId = body.user_id;
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

function microsToMs(value: number | string | undefined): number | undefined {
  const micros = typeof value === 'string' ? Number(value) : value;
  return micros === undefined || !Number.isFinite(micros) ? undefined : Math.floor(micros / 1000);
}
