import type { Hit } from '../../core/hit.js';
import { UA_LIMITS, UA_SHORTEN_ORDER } from './limits.js';
import { param, serialize, shorten, type UaParam } from './params.js';

/** One Measurement Protocol v1 request: a `/collect` with one payload or a `/batch` with several. */
export interface UaRequest {
  readonly path: '/collect' | '/batch';
  /** The exact body sent: URI-encoded payloads, one per line. */
  readonly body: string;
  readonly hits: readonly Hit[];
}

export interface UaEncodeOptions {
  /** The property's tracking id, `UA-XXXX-Y` (checked by the `ua()` destination). */
  trackingId: string;
  /** Send time, epoch ms; `qt` is measured from it. @default Date.now() */
  nowMs?: number;
}

export interface UaEncodeResult {
  readonly requests: UaRequest[];
  /** Hits that cannot be sent, with the reason. */
  readonly rejected: { readonly hit: Hit; readonly reason: 'stale' }[];
}

interface Encoded {
  readonly hit: Hit;
  readonly payload: string;
}

/**
 * Encodes hits as v1 `pageview` payloads. Hits queued more than 4 hours (`qt`) are rejected
 * as `stale`. A single hit goes to `/collect`; more are cut, in order, into `/batch` bodies of
 * at most 20 hits and 16 384 bytes. Every payload is at most 8 192 bytes. Pure; never throws on a Hit.
 */
export function encodeUa(hits: readonly Hit[], options: UaEncodeOptions): UaEncodeResult {
  const nowMs = options.nowMs ?? Date.now();
  const encoded: Encoded[] = [];
  const rejected: { hit: Hit; reason: 'stale' }[] = [];
  for (const hit of hits) {
    const qt = Math.max(0, Math.floor(nowMs - hit.timestampMs));
    // Also catches NaN, from a timestamp that is not a number.
    if (!(qt <= UA_LIMITS.maxQueueTimeMs)) rejected.push({ hit, reason: 'stale' });
    else encoded.push({ hit, payload: encodePayload(hit, options.trackingId, qt) });
  }
  return { requests: group(encoded), rejected };
}

/**
 * One hit's payload, parameters in the documented order with `z` last, at most 8 192 bytes.
 * `z`, the cache buster Google ignores, carries the hit id, so a retried hit is recognisable.
 */
export function encodePayload(hit: Hit, trackingId: string, qt: number): string {
  const params: UaParam[] = [param('v', '1'), param('tid', trackingId), param('cid', hit.clientId)];
  if (hit.userId) params.push(param('uid', hit.userId));
  params.push(param('t', 'pageview'), param('dl', hit.location), param('dh', hit.host), param('dp', hit.path));
  params.push(param('dt', hit.title));
  if (hit.referrer) params.push(param('dr', hit.referrer));
  params.push(param('ds', 'api'));
  if (hit.userAgent) params.push(param('ua', hit.userAgent));
  params.push(param('qt', String(qt)), param('z', hit.hitId));
  return serialize(shorten(params, UA_SHORTEN_ORDER, UA_LIMITS.maxPayloadBytes));
}

/** Cuts payloads, in order, into bodies within the batch limits; a body of one is a `/collect`. */
function group(encoded: readonly Encoded[]): UaRequest[] {
  const requests: UaRequest[] = [];
  let chunk: Encoded[] = [];
  let bytes = 0;
  for (const item of encoded) {
    const full = chunk.length >= UA_LIMITS.maxHitsPerBatch;
    if (chunk.length > 0 && (full || bytes + 1 + item.payload.length > UA_LIMITS.maxBatchBytes)) {
      requests.push(toRequest(chunk));
      chunk = [];
    }
    bytes = chunk.length === 0 ? item.payload.length : bytes + 1 + item.payload.length;
    chunk.push(item);
  }
  if (chunk.length > 0) requests.push(toRequest(chunk));
  return requests;
}

function toRequest(chunk: readonly Encoded[]): UaRequest {
  const hits = chunk.map((item) => item.hit);
  const body = chunk.map((item) => item.payload).join('\n');
  return { path: chunk.length === 1 ? '/collect' : '/batch', body, hits };
}
