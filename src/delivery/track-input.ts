import { isUsableHitId } from '../core/hit-id.js';
import type { RequestInfo } from '../core/request-info.js';
import type { Hit } from '../core/hit.js';
import type { HitOverrides } from '../hit-options.js';

/**
 * What `track()` takes: the plain object adapters build, or one written by hand for work
 * that is not HTTP. Only `url` or `route` is required. Do not change it after `track()`.
 */
export interface TrackInput extends Partial<Omit<RequestInfo, 'headers' | 'url' | 'method'>> {
  url?: string | undefined;
  /** @default 'GET' */
  method?: string | undefined;
  route?: string | null | undefined;
  /** Shortcut for `headers.userAgent`. */
  userAgent?: string | undefined;
  /** Shortcut for `headers.referrer`. */
  referrer?: string | undefined;
  headers?: RequestInfo['headers'] | undefined;
  /** Hit options that differ from the tracker's (set by adapters; reuse one frozen object). */
  hitOptions?: Readonly<HitOverrides> | undefined;
}

/** Per-hit bytes counted besides its strings: object headers, numbers, the hit built later. */
const OVERHEAD_BYTES = 256;

/**
 * Checks an input cheaply and returns what the queue holds: the input itself (no copy) when it
 * is already the core's RequestInfo — what every adapter builds — or, for a hand-written input
 * that uses the `userAgent`/`referrer` shortcuts or leaves out the url or the method (GET), a
 * RequestInfo made from it. Returns undefined for anything that is not a hit. Neither the input nor the result is
 * ever changed: the time and the hit id of a queued hit are kept beside it, so one object may
 * be tracked twice and makes two hits.
 */
export function checkInput(input: unknown): RequestInfo | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const given = input as TrackInput;
  const { url, route } = given;
  const hasUrl = typeof url === 'string' && url.length > 0;
  if (!hasUrl && typeof route !== 'string') return undefined;
  const hasMethod = typeof given.method === 'string';
  if (hasUrl && hasMethod && given.userAgent === undefined && given.referrer === undefined) return given as RequestInfo;
  const headers = given.userAgent === undefined && given.referrer === undefined ? given.headers : { ...given.headers, userAgent: given.userAgent ?? given.headers?.userAgent, referrer: given.referrer ?? given.headers?.referrer };
  return { ...given, method: hasMethod ? (given.method as string) : 'GET', url: hasUrl ? url : (route as string), headers };
}

/** The hit id a caller gave, when it is usable; else the tracker numbers the hit itself. */
export function givenHitId(info: RequestInfo): string | undefined {
  return isUsableHitId(info.hitId) ? info.hitId : undefined;
}

/** The time a hit carries, else when it was tracked. */
export function stampOf(info: RequestInfo, nowMs: number): number {
  const given = info.timestampMs;
  return typeof given === 'number' && Number.isFinite(given) && given > 0 ? given : nowMs;
}

/** A cheap upper estimate of the memory a queued hit holds, for `maxQueueBytes`. */
export function estimateBytes(info: RequestInfo): number {
  const h = info.headers;
  let chars = info.url.length + len(info.route) + len(info.title) + len(info.userId);
  if (h !== undefined) chars += len(h.userAgent) + len(h.referrer) + len(h.host);
  return OVERHEAD_BYTES + 2 * chars;
}

function len(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** The same rough memory estimate for a hit built elsewhere (relayed by a queue worker). */
export function estimateHitBytes(hit: Hit): number {
  const chars = hit.location.length + hit.route.length + hit.title.length + hit.clientId.length + len(hit.userId) + len(hit.userAgent) + len(hit.referrer) + hit.hitId.length;
  return OVERHEAD_BYTES + 2 * chars;
}
