import { isUsableHitId } from '../core/hit-id.js';
import type { RequestInfo } from '../core/request-info.js';
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
 * Checks an input cheaply and turns it into the core's RequestInfo, stamped with `nowMs`
 * when it carries no time of its own. A given hit id is kept when usable; otherwise `hitId`
 * stays undefined here and the batcher writes the tracker's own (numbered at `track()`,
 * printed off the request path). Returns undefined for anything that is not a hit.
 */
export function toRequestInfo(input: unknown, nowMs: number): RequestInfo | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const given = input as TrackInput;
  const route = given.route;
  const url = typeof given.url === 'string' && given.url.length > 0 ? given.url : typeof route === 'string' ? route : undefined;
  if (url === undefined) return undefined;
  const headers = given.userAgent === undefined && given.referrer === undefined ? given.headers : { ...given.headers, userAgent: given.userAgent ?? given.headers?.userAgent, referrer: given.referrer ?? given.headers?.referrer };
  // One object shape for every hit (no spread of the caller's object): cheap to build, to
  // read later, and immune to the caller changing its own object afterwards.
  return {
    method: typeof given.method === 'string' ? given.method : 'GET',
    url,
    route,
    status: given.status,
    durationMs: given.durationMs,
    timestampMs: typeof given.timestampMs === 'number' ? given.timestampMs : nowMs,
    protocol: given.protocol,
    clientIp: given.clientIp,
    userId: given.userId,
    clientId: given.clientId,
    hitId: isUsableHitId(given.hitId) ? given.hitId : undefined,
    title: given.title,
    params: given.params,
    headers,
  };
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
