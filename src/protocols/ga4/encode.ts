import type { Hit } from '../../core/hit.js';
import { createMemo2, createMemo3 } from '../../core/memo.js';
import { cutChars, cutEncoded, utf8Length } from '../../internal/text.js';
import { GA4_LIMITS, GA4_LONG_PARAMS } from './limits.js';
import { sanitizeParamName } from './names.js';

/** One Measurement Protocol request body and the hits it carries. */
export interface Ga4Request {
  readonly payload: Ga4Payload;
  /** The exact JSON sent (UTF-8 bytes < 130 000). */
  readonly body: string;
  readonly hits: readonly Hit[];
}

export interface Ga4Payload {
  client_id: string;
  user_id?: string;
  timestamp_micros: number;
  user_agent?: string;
  events: Ga4Event[];
}

export interface Ga4Event {
  name: 'page_view';
  timestamp_micros: number;
  params: Record<string, string | number | boolean>;
}

export interface Ga4EncodeOptions {
  /** Send time, epoch ms: hits older than 72 h (less a 10 min margin) are rejected as `stale`. @default Date.now() */
  nowMs?: number;
  /** Adds `debug_mode: true` so events show in GA4's DebugView. @default false */
  debugMode?: boolean;
  /** Body limit in bytes (tests lower it). @default 130_000 */
  maxBodyBytes?: number;
  /** Encode hits of any age (a backfill to a Footfall collector's `/mp/batch?timestamps=keep`): none is stale. @default false */
  keepOldTimestamps?: boolean;
}

export interface Ga4EncodeResult {
  readonly requests: Ga4Request[];
  /** Hits that cannot be sent, with the reason. */
  readonly rejected: { readonly hit: Hit; readonly reason: 'stale' }[];
}

/** A hit older than this at encode time is stale: GA would reject or move it. */
export const GA4_ENCODE_MAX_AGE_MS = GA4_LIMITS.maxAgeMs - 10 * 60 * 1000;

/**
 * Encodes hits as GA4 `page_view` events. Hits are grouped by what the MP puts at the top
 * level (client id, user id, user agent: `ga4GroupKey`), then each group is cut into bodies
 * of at most 25 events and under the byte limit. Every body passes `validateGa4`. Pure;
 * never throws on a Hit.
 */
export function encodeGa4(hits: readonly Hit[], options: Ga4EncodeOptions = {}): Ga4EncodeResult {
  const groups = new Map<string, Hit[]>();
  for (const hit of hits) {
    const key = ga4GroupKey(hit);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [hit]);
    else group.push(hit);
  }
  const requests: Ga4Request[] = [];
  const rejected: { hit: Hit; reason: 'stale' }[] = [];
  for (const group of groups.values()) {
    const encoded = encodeGa4Group(group, options);
    requests.push(...encoded.requests);
    rejected.push(...encoded.rejected);
  }
  return { requests, rejected };
}

/** Hits with the same key may share a request: one client, user and user agent per Measurement Protocol body. */
export function ga4GroupKey(hit: Hit): string {
  const userId = hit.userId ?? '';
  const userAgent = hit.userAgent ?? '';
  // The engine asks once per hit: one shared key per consumer, not a string joined per hit.
  return groupKeys(hit.clientId, userId, userAgent, () => `${hit.clientId}\u0000${userId}\u0000${userAgent}`);
}

/** Group keys by client, user and user agent; as many as a tracker's default maxSessions. */
const groupKeys = createMemo3(10_000);

/**
 * Encodes hits that already share a `ga4GroupKey` (the delivery engine groups them as they
 * arrive), in order: bodies of at most 25 events under the byte limit; hits older than 72 h
 * (less a 10 min margin) are rejected as `stale`.
 */
export function encodeGa4Group(hits: readonly Hit[], options: Ga4EncodeOptions = {}): Ga4EncodeResult {
  const nowMs = options.nowMs ?? Date.now();
  const oldestMs = options.keepOldTimestamps === true ? -Infinity : nowMs - GA4_ENCODE_MAX_AGE_MS;
  const rejected: { hit: Hit; reason: 'stale' }[] = [];
  let fresh = hits;
  if (hits.some((hit) => hit.timestampMs < oldestMs)) {
    fresh = hits.filter((hit) => !(hit.timestampMs < oldestMs));
    for (const hit of hits) if (hit.timestampMs < oldestMs) rejected.push({ hit, reason: 'stale' });
  }
  const requests = fresh.length === 0 ? [] : chunkGroup(fresh, nowMs, options.debugMode === true, options.maxBodyBytes ?? GA4_LIMITS.maxBodyBytes);
  return { requests, rejected };
}

function chunkGroup(hits: readonly Hit[], nowMs: number, debugMode: boolean, maxBytes: number): Ga4Request[] {
  const out: Ga4Request[] = [];
  let chunk: Chunk = newChunk();
  for (const hit of hits) {
    const eventMicros = micros(hit.timestampMs * 1000, nowMs);
    const text = eventText(hit, eventMicros, nowMs, debugMode);
    // Counted without flattening the event's string: its length plus what its pieces add in UTF-8.
    const bytes = text.length + written.extraBytes + 1;
    const full = chunk.texts.length >= GA4_LIMITS.maxEventsPerRequest;
    if (chunk.texts.length > 0 && (full || chunk.bytes + bytes >= maxBytes)) {
      out.push(finish(chunk));
      chunk = newChunk();
    }
    if (chunk.texts.length === 0) {
      chunk.head = JSON.stringify(topLevel(hit, nowMs, eventMicros));
      chunk.bytes = utf8Length(chunk.head) + 12;
    }
    chunk.hits.push(hit);
    chunk.texts.push(text);
    chunk.bytes += bytes;
  }
  if (chunk.texts.length > 0) out.push(finish(chunk));
  return out;
}

interface Chunk {
  /** The top level without events (from the chunk's first hit), as JSON. */
  head: string;
  hits: Hit[];
  /** Each event's JSON, written once. */
  texts: string[];
  bytes: number;
}

function newChunk(): Chunk {
  return { head: '', hits: [], texts: [], bytes: 0 };
}

/**
 * Builds the body from the already written events (`events` is the last key). The payload
 * object is made from the body only when someone reads it (the CLI's --print, tests): the
 * delivery engine sends the body alone.
 */
function finish(chunk: Chunk): Ga4Request {
  const body = `${chunk.head.slice(0, -1)},"events":[${chunk.texts.join(',')}]}`;
  let payload: Ga4Payload | undefined;
  return {
    get payload() {
      return (payload ??= JSON.parse(body) as Ga4Payload);
    },
    body,
    hits: chunk.hits,
  };
}

/**
 * One event's JSON, exactly as `JSON.stringify(toEvent(hit))` writes it. The common case (no
 * extra parameters, no debug mode) is written from pieces: what is the same for every hit of a
 * page or a route (page_location and page_title; api_route and api_method) is escaped once
 * and remembered, so a hit costs little more than its numbers and its id.
 */
export function eventText(hit: Hit, eventMicros: number, nowMs: number, debugMode: boolean): string {
  if (debugMode || hit.params !== undefined) {
    const text = JSON.stringify(toEvent(hit, nowMs, debugMode));
    written.extraBytes = utf8Length(text) - text.length;
    return text;
  }
  const page = pagePiece(hit.location, hit.title);
  const route = routePiece(hit.route, hit.method);
  let extraBytes = page.extraBytes + route.extraBytes;
  let referrer = '';
  if (hit.referrer !== undefined) {
    referrer = `"page_referrer":${JSON.stringify(cutEncoded(hit.referrer, GA4_LONG_PARAMS.page_referrer ?? 420))},`;
    extraBytes += utf8Length(referrer) - referrer.length;
  }
  // Numbers add no bytes beyond their characters; the hit id (printable ASCII from the tracker) rarely does.
  const hitId = JSON.stringify(hit.hitId);
  written.extraBytes = extraBytes + utf8Length(hitId) - hitId.length;
  return `{"name":"page_view","timestamp_micros":${num(eventMicros)},"params":{${page.text}${referrer}"session_id":${num(hit.sessionId)},"engagement_time_msec":${num(Math.max(1, Math.round(hit.durationMs)))},${route.text}"http_status":${num(hit.status)},"duration_ms":${num(hit.durationMs)},"data_source":"api","hit_id":${hitId}}}`;
}

/** What the last `eventText` adds in UTF-8 beyond its length in characters (one object, reused: no allocation per hit). */
export const written = { extraBytes: 0 };

/** A number as JSON writes it (null when it is not finite). */
function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** The JSON of what repeats, by page and title and by route and method (an API has few of either). */
const MAX_PIECES = 2_000;
interface Piece {
  readonly text: string;
  /** UTF-8 bytes beyond its length in characters. */
  readonly extraBytes: number;
}
const pagePieces = createMemo2<Piece>(MAX_PIECES);
const routePieces = createMemo2<Piece>(MAX_PIECES);

function pieceOf(text: string): Piece {
  return { text, extraBytes: utf8Length(text) - text.length };
}

function pagePiece(location: string, title: string): Piece {
  return pagePieces(location, title, () => pieceOf(`"page_location":${JSON.stringify(cutEncoded(location, GA4_LONG_PARAMS.page_location ?? 1000))},"page_title":${JSON.stringify(cutChars(title, GA4_LONG_PARAMS.page_title ?? 300))},`));
}

function routePiece(route: string, method: string): Piece {
  return routePieces(route, method, () => pieceOf(`"api_route":${JSON.stringify(cutChars(route, GA4_LIMITS.maxParamValueChars))},"api_method":${JSON.stringify(method)},`));
}

/** The top level of a body, without events, in the documented key order. */
function topLevel(hit: Hit, nowMs: number, firstEventMicros: number): Omit<Ga4Payload, 'events'> {
  const top: Partial<Ga4Payload> = { client_id: hit.clientId };
  if (hit.userId !== undefined) top.user_id = cutChars(hit.userId, GA4_LIMITS.maxUserIdChars);
  top.timestamp_micros = micros(firstEventMicros, nowMs);
  if (hit.userAgent !== undefined) top.user_agent = hit.userAgent;
  return top as Omit<Ga4Payload, 'events'>;
}

export function toEvent(hit: Hit, nowMs: number, debugMode: boolean): Ga4Event {
  const params: Record<string, string | number | boolean> = {
    page_location: cutEncoded(hit.location, GA4_LONG_PARAMS.page_location ?? 1000),
    page_title: cutChars(hit.title, GA4_LONG_PARAMS.page_title ?? 300),
  };
  if (hit.referrer !== undefined) params.page_referrer = cutEncoded(hit.referrer, GA4_LONG_PARAMS.page_referrer ?? 420);
  params.session_id = hit.sessionId;
  params.engagement_time_msec = Math.max(1, Math.round(hit.durationMs));
  params.api_route = cutChars(hit.route, GA4_LIMITS.maxParamValueChars);
  params.api_method = hit.method;
  params.http_status = hit.status;
  params.duration_ms = hit.durationMs;
  params.data_source = 'api';
  params.hit_id = hit.hitId;
  if (debugMode) params.debug_mode = true;
  addExtraParams(params, hit.params);
  return { name: 'page_view', timestamp_micros: micros(hit.timestampMs * 1000, nowMs), params };
}

/** Adds user parameters after the built-in ones: names sanitised, built-ins never overwritten, 25 at most. */
function addExtraParams(params: Record<string, string | number | boolean>, extra: Hit['params']): void {
  if (extra === undefined) return;
  let count = Object.keys(params).length;
  for (const [rawName, value] of Object.entries(extra)) {
    if (count >= GA4_LIMITS.maxParamsPerEvent) return;
    const name = sanitizeParamName(rawName);
    if (name.length === 0 || name in params) continue;
    if (typeof value === 'string') params[name] = cutChars(value, GA4_LIMITS.maxParamValueChars);
    else if (typeof value === 'number' && Number.isFinite(value)) params[name] = value;
    else if (typeof value === 'boolean') params[name] = String(value);
    else continue;
    count++;
  }
}

/** Integer microseconds, never in the future of `nowMs`. */
function micros(value: number, nowMs: number): number {
  return Math.min(Math.floor(value), Math.floor(nowMs * 1000));
}
