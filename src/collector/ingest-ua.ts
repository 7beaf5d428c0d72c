import { isFootfallHitId } from '../core/hit-id.js';
import { UA_LIMITS } from '../protocols/ua/limits.js';
import { parsePayload } from '../protocols/ua/params.js';
import { splitPayloads, validateUa } from '../protocols/ua/validate.js';
import type { IngestResult } from './ingest-result.js';
import { decodeUtf8, hostOf, methodFrom, pathOf, refuse, routeFrom } from './ingest-result.js';
import type { IncomingHit } from './types.js';

/**
 * Turns a UA v1 request into hits: `/collect` carries one payload (the query of a GET, or the
 * body of a POST), `/batch` up to 20, one per line. Every hit must validate, or the request
 * is refused with `/debug/collect`'s answer and nothing is stored.
 */
export function ingestUa(payload: Uint8Array, batch: boolean, nowMs: number): IngestResult {
  const limit = batch ? UA_LIMITS.maxBatchBytes : UA_LIMITS.maxPayloadBytes;
  if (payload.byteLength > limit) {
    return refuse(413, `${batch ? 'batch body' : 'payload'} is ${payload.byteLength} bytes; the v1 limit is ${limit} bytes`);
  }
  const text = decodeUtf8(payload);
  if (text === undefined) return refuse(400, 'payload is not valid UTF-8');
  const lines = splitPayloads(text);
  if (lines.length === 0) return refuse(400, 'empty payload: send v=1&tid=UA-XXXX-Y&cid=...&t=pageview');
  if (!batch && lines.length > 1) return refuse(400, `/collect takes one hit, got ${lines.length} lines: send several to /batch`);
  if (lines.length > UA_LIMITS.maxHitsPerBatch) return refuse(413, `batch has ${lines.length} hits; the v1 limit is ${UA_LIMITS.maxHitsPerBatch}`);
  const result = validateUa(text, { single: !batch });
  const invalid = result.hitParsingResult.filter((hit) => !hit.valid).length;
  if (invalid > 0) {
    return refuse(400, `${invalid} of ${lines.length} hits are invalid (GET /debug/collect with the same payload shows the same messages)`, result);
  }
  return { ok: true, hits: lines.map((line) => toHit(parsePayload(line).values, nowMs)) };
}

const TITLE_ROUTE = /^([A-Z]{1,16}) (\/\S*)$/;

/**
 * One validated payload as a hit, its values decoded by the validator's own parser. `dp` is
 * taken as decoded text (GA shows `/users/{id}`, not `/users/%7Bid%7D`), without its query.
 */
function toHit(params: ReadonlyMap<string, string>, nowMs: number): IncomingHit {
  const location = params.get('dl');
  const title = params.get('dt');
  const path = documentPath(params.get('dp')) ?? pathOf(location);
  const fromTitle = title === undefined ? null : TITLE_ROUTE.exec(title);
  const type = params.get('t') ?? 'pageview';
  const queueMs = Number(params.get('qt') ?? 0);
  const hit: { -readonly [K in keyof IncomingHit]: IncomingHit[K] } = {
    timeMs: nowMs - (Number.isFinite(queueMs) && queueMs > 0 ? Math.floor(queueMs) : 0),
    protocol: 'ua',
    method: fromTitle !== null && (path === undefined || fromTitle[2] === path) ? methodFrom(fromTitle[1]) : 'GET',
    route: routeFrom(path, `(${type})`),
    client: params.get('cid') || params.get('uid') || '',
    eventName: type,
  };
  const userId = params.get('uid');
  if (userId !== undefined && userId !== '') hit.userId = userId;
  if (title !== undefined && title !== '') hit.title = title;
  const host = params.get('dh') ?? hostOf(location);
  if (host !== undefined && host !== '') hit.host = host;
  // Other v1 clients send a random number as `z`: those collide, so only Footfall's form is an id.
  const z = params.get('z');
  if (isFootfallHitId(z)) hit.hitId = z;
  return hit;
}

function documentPath(dp: string | undefined): string | undefined {
  const path = dp?.split(/[?#]/, 1)[0];
  return path === undefined || path === '' ? undefined : path;
}
