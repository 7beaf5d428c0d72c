import { isHealthCheckRoute } from '../../core/health-check.js';
import type { Hit } from '../../core/hit.js';
import { UNMATCHED_ROUTE } from '../../core/hit.js';
import type { HitContext } from '../../core/hit-context.js';
import { createMemo, createMemo2, type Memo } from '../../core/memo.js';
import type { SessionStore } from '../../core/session.js';
import type { RequestInfo } from '../../core/request-info.js';
import { toHit } from '../../core/to-hit.js';
import { templateFromPath } from '../../core/route.js';
import { firstForwarded, splitUrl } from '../../core/url.js';
import { truncateIp } from '../../privacy/ip.js';
import { resolveHitOptions } from '../../hit-options.js';
import { matchInventory } from '../route-match.js';
import type { DeclaredRoute } from '../types.js';
import type { LogRecord } from './log-record.js';

export interface RecordToHitOptions {
  /**
   * The route inventory (`--routes`): paths are reported under the template they match, else
   * `(unmatched)`. Empty: no inventory, and the template is derived from the path (ids become
   * `:id`), as for live traffic whose framework names no route.
   */
  readonly routes: readonly DeclaredRoute[];
  /** The key of every keyed hash (FOOTFALL_HASH_KEY): the same as the live traffic's, so a consumer keeps one id. */
  readonly hashKey: string | Uint8Array;
  /** One host for every page, as the tracker's `canonicalHost`. @default the line's host, else `unknown.invalid` */
  readonly canonicalHost?: string | undefined;
  /** The client is the first address of the logged X-Forwarded-For, when there is one (the tracker's `trustProxy`). @default false */
  readonly trustProxy?: boolean | undefined;
  /** Import health checks and OPTIONS requests too (the adapters skip both by default). @default false */
  readonly keepHealthChecks?: boolean | undefined;
  /**
   * Work out each hit's session as live traffic does (idle timeout per consumer). A store keeps
   * no session id (see store-sink.ts), so `footfall import --db` turns this off: each hit's
   * sessionId is then its own second, and no per-consumer session is remembered. @default true
   */
  readonly sessions?: boolean | undefined;
}

/** Why a well-formed line makes no hit: the adapters' default `skip` (OPTIONS, health checks). */
export type SkipReason = 'options' | 'health_check';

/** A record and its stable id into a hit, or the reason it is skipped as live traffic would be. */
export type RecordToHit = (record: LogRecord, hitId: string) => Hit | SkipReason;

/** Paths matched per (method, path): a log repeats its paths; ids in paths make many, so the memo is bounded. */
const MAX_MATCHES = 50_000;
/** Consumers remembered (sessions and keyed hashes): more than a tracker's default, as a log holds a month of them. */
const MAX_CONSUMERS = 100_000;

/**
 * Turns access-log records into hits by live traffic's rules: the path is matched to a route
 * template through the inventory with `footfall report`'s matcher (`matchInventory`), else the
 * hit goes to `(unmatched)`; the core's `toHit` then does the rest exactly as for a request
 * (keyed-hash consumer from the IP's /24 or /48 + user agent with the salt of the line's own
 * day, or from a user id; query values dropped, names kept; title, session). No IP and no query
 * value reach the hit. Hashes repeat per (day, address, agent) and are memoised by the core.
 */
export function createRecordToHit(options: RecordToHitOptions): RecordToHit {
  const inventory = matchInventory(options.routes);
  // trustProxy is applied here (networkOf), so the context never reads X-Forwarded-For itself.
  const resolved = resolveHitOptions({ hashKey: options.hashKey, maxSessions: MAX_CONSUMERS, ...(options.canonicalHost === undefined ? {} : { canonicalHost: options.canonicalHost }) });
  const context: HitContext = options.sessions === false ? { ...resolved, sessions: NO_SESSIONS } : resolved;
  const keepAll = options.keepHealthChecks === true;
  const derived = createMemo(MAX_MATCHES);
  // By method, then path: no joined key string per line.
  const matched = createMemo2(MAX_MATCHES);
  const derive = options.routes.length === 0;
  const trustProxy = options.trustProxy === true;
  const networks = { byPrefix: createMemo(MAX_MATCHES), byAddress: createMemo(MAX_MATCHES) };
  const info = emptyInfo();
  return (record, hitId) => {
    const method = record.method.toUpperCase();
    if (!keepAll && method === 'OPTIONS') return 'options';
    const path = pathOf(record.target);
    const route = derive ? derived(path, templateFromPath) : matched(method, path, () => inventory.templateOf(method, path)?.route ?? UNMATCHED_ROUTE);
    if (!keepAll && isHealthCheckRoute(route === UNMATCHED_ROUTE ? path : route)) return 'health_check';
    const address = (trustProxy ? firstForwarded(record.forwardedFor) : undefined) || record.clientIp;
    const network = address === undefined ? undefined : networkOf(address, networks);
    return toHit(fillInfo(info, record, method, route, network), context, record.timeMs, hitId);
  };
}

/** Sessions not worked out (`sessions: false`): a hit's session is its own second, as with `clientId: 'random'`. */
const NO_SESSIONS: SessionStore = {
  sessionFor: (_clientId, atMs) => Math.max(1, Math.floor(atMs / 1000)),
  size: 0,
};

/**
 * The network (/24, /48) of a logged address, as truncateIp gives it. A log has far more
 * addresses than networks, so an IPv4 address in the usual dotted form (no ':', a last part of 1
 * to 3 digits up to 255) is memoised by what comes before its last dot: truncateIp's answer for
 * such an address depends on that part alone. Anything else is memoised whole, apart.
 */
function networkOf(address: string, networks: { readonly byPrefix: Memo; readonly byAddress: Memo }): string {
  const dot = address.lastIndexOf('.');
  const last = address.length - dot - 1;
  if (dot > 0 && last >= 1 && last <= 3 && !address.includes(':') && lastPartFits(address, dot + 1)) {
    return networks.byPrefix(address.slice(0, dot), networkOfPrefix);
  }
  return networks.byAddress(address, truncateIp);
}

/** truncateIp's answer for any address `<prefix>.<0 to 255>`. */
function networkOfPrefix(prefix: string): string {
  return truncateIp(`${prefix}.0`);
}

/** Digits only from `from` to the end, at most 255. */
function lastPartFits(address: string, from: number): boolean {
  let value = 0;
  for (let i = from; i < address.length; i++) {
    const code = address.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return false;
    value = value * 10 + code;
  }
  return value <= 255;
}

/** One RequestInfo, filled anew for each line (toHit keeps nothing of it): no two objects per line for the collector to sweep. */
function emptyInfo(): RequestInfo {
  return { method: '', url: '', route: null, timestampMs: 0, status: undefined, durationMs: undefined, clientIp: undefined, userId: undefined, headers: { userAgent: undefined, referrer: undefined, host: undefined } };
}

/**
 * The line as a request. Its address goes in already cut to its network (/24, /48: what the
 * consumer hash takes, truncateIp being idempotent), so the core's hash memo is keyed by network
 * and the full address goes no further than this function.
 */
function fillInfo(info: RequestInfo, record: LogRecord, method: string, route: string, network: string | undefined): RequestInfo {
  info.method = method;
  info.url = record.target;
  info.route = route === UNMATCHED_ROUTE ? null : route;
  info.timestampMs = record.timeMs;
  info.status = record.status;
  info.durationMs = record.durationMs;
  info.clientIp = network;
  info.userId = record.userId;
  const headers = info.headers as NonNullable<RequestInfo['headers']>;
  headers.userAgent = record.userAgent;
  headers.referrer = record.referer;
  headers.host = record.host;
  return info;
}

/** The path of a logged target: a relative one up to its query, or an absolute URL's (ALB). */
function pathOf(target: string): string {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  return splitUrl(target).path;
}
