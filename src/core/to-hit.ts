import { cutChars, stripControl, wellFormed } from '../internal/text.js';
import { truncateIp } from '../privacy/ip.js';
import { utcDay } from '../privacy/hash.js';
import { redactQuery } from '../privacy/query.js';
import { clientIdFromDigest, hashUserId, isGaClientId, randomClientId } from './client-id.js';
import { MAX_HIT_ID_CHARS, hitIdPrefix } from './hit-id.js';
import type { Hit } from './hit.js';
import type { HitContext, Origin } from './hit-context.js';
import type { RequestInfo } from './request-info.js';
import { createMemo } from './memo.js';
import { normalizeRoute, templateFromPath } from './route.js';
import { encodePath, firstForwarded, normalizeHost, splitUrl, webProtocol, withoutLoopbackPort } from './url.js';
import { buildReferrer } from './referrer.js';

/** Host used when the request names none and no `canonicalHost` is set (RFC 2606). */
export const UNKNOWN_HOST = 'unknown.invalid';
const MAX_TITLE_CHARS = 300;
const MAX_USER_AGENT_CHARS = 256;
const MAX_PARAMS = 25;
/** Durations are capped at one day: anything longer is a broken clock, not a request. */
const MAX_DURATION_MS = 86_400_000;

/**
 * Turns a finished request into a hit: route template as the page, redacted query,
 * pseudonymous client and user ids, session, title and timing. Pure apart from the
 * context's session map and clock; never throws on any `info`. The tracker passes the time the
 * hit was tracked and its id beside `info` (`stampMs`, `stampHitId`), never on it.
 */
export function toHit(info: RequestInfo, context: HitContext, stampMs?: number, stampHitId?: string): Hit {
  const timestampMs = finiteOr(info.timestampMs, stampMs ?? context.now());
  const rawUrl = typeof info.url === 'string' ? info.url : '/';
  // An adapter's URL is relative and comes with its route: only the query is read from it.
  const url = typeof info.route === 'string' && rawUrl.startsWith('/') ? relativeParts(rawUrl) : splitUrl(rawUrl);
  const route = resolveRoute(info.route, url.path, context);
  const method = normalizeMethod(info.method);
  const origin = resolveOrigin(info, url, context);
  const query = url.query.length === 0 ? '' : context.memoQuery(url.query, () => redactQuery(url.query, context.query));
  const page = pageOf(route);
  const path = query.length === 0 ? page : context.memoPath(page, query, () => `${page}?${query}`);
  const clientId = resolveClientId(info, context, timestampMs);
  // The tracker stamps every hit, and the public entry points check a given id in full
  // (isUsableHitId); here only its type and length. Without one, a random id.
  const given = stampHitId ?? info.hitId;
  const hitId = typeof given === 'string' && given.length > 0 && given.length <= MAX_HIT_ID_CHARS ? given : `${hitIdPrefix(context.random)}-0`;
  const hit: Record<string, unknown> = {
    hitId,
    clientId,
    sessionId: context.clientId === 'random' ? Math.floor(timestampMs / 1000) : context.sessions.sessionFor(clientId, timestampMs),
    timestampMs,
    method,
    route,
    status: normalizeStatus(info.status),
    durationMs: normalizeDuration(info.durationMs),
    protocol: origin.protocol,
    host: origin.host,
    path,
    location: context.memoLocation(origin.origin, path, () => `${origin.origin}${path}`),
    title: resolveTitle(info, context, method, route),
  };
  const userId = userIdOf(info);
  if (userId !== undefined) hit.userId = context.memoUserHash(userId, () => hashUserId(context.hasher, userId));
  const rawReferrer = info.headers?.referrer;
  const referrer = typeof rawReferrer === 'string' ? context.memoReferrer(rawReferrer, () => buildReferrer(rawReferrer, context) ?? '') : '';
  if (referrer.length > 0) hit.referrer = referrer;
  const rawAgent = info.headers?.userAgent;
  const userAgent = context.userAgent && typeof rawAgent === 'string' ? context.memoAgent(rawAgent, () => cleanHeader(rawAgent, MAX_USER_AGENT_CHARS)) : '';
  if (userAgent.length > 0) hit.userAgent = userAgent;
  const params = copyParams(info.params);
  if (params !== undefined) hit.params = params;
  return hit as unknown as Hit;
}

/** The path (unused: the route is known) and the query of a relative URL, without splitUrl's pattern. */
function relativeParts(url: string): { protocol: string; host: string; path: string; query: string } {
  const hash = url.indexOf('#');
  const rest = hash === -1 ? url : url.slice(0, hash);
  const mark = rest.indexOf('?');
  return { protocol: '', host: '', path: '/', query: mark === -1 ? '' : rest.slice(mark + 1) };
}

/** A route's page (its template, percent-encoded), by route: an API has few templates. */
const pages = createMemo(2_000);

function pageOf(route: string): string {
  return pages(route, () => encodePath(route.startsWith('/') ? route : `/${route}`));
}

function resolveRoute(route: RequestInfo['route'], path: string, context: HitContext): string {
  if (route === null) return normalizeRoute(null);
  if (typeof route === 'string') return context.memoRoute(route, () => normalizeRoute(route));
  return templateFromPath(path);
}

function resolveOrigin(info: RequestInfo, url: ReturnType<typeof splitUrl>, context: HitContext): Origin {
  if (context.canonical !== undefined) return context.canonical;
  const forwarded = context.trustProxy ? info.headers : undefined;
  const protocol =
    webProtocol(firstForwarded(forwarded?.forwardedProto)) ?? webProtocol(info.protocol) ?? webProtocol(url.protocol) ?? 'http';
  const given = firstForwarded(forwarded?.forwardedHost) || info.headers?.host || url.host;
  const raw = typeof given === 'string' ? given : '';
  return context.memoOrigin(protocol, raw, () => {
    const host = (raw.length > 0 && withoutLoopbackPort(normalizeHost(raw, protocol))) || UNKNOWN_HOST;
    return { protocol, host, origin: `${protocol}://${host}` };
  });
}

function resolveClientId(info: RequestInfo, context: HitContext, timestampMs: number): string {
  if (context.clientId === 'random') return randomClientId(context.random, timestampMs);
  const { hasher, memo } = context;
  const explicit = typeof info.clientId === 'string' ? info.clientId : '';
  if (explicit.length > 0) {
    if (isGaClientId(explicit)) return explicit;
    return memo(`c\u0000${explicit}`, () => clientIdFromDigest(hasher.bytes('footfall:client', explicit)));
  }
  const userId = userIdOf(info);
  if (userId !== undefined) {
    return context.memoUserClient(userId, () => clientIdFromDigest(hasher.bytes('footfall:client:user', userId)));
  }
  const address = clientIpOf(info, context) ?? '';
  const agent = typeof info.headers?.userAgent === 'string' ? info.headers.userAgent.slice(0, MAX_USER_AGENT_CHARS) : '';
  if (agent.length === 0 && truncateIp(address).length === 0) return randomClientId(context.random, timestampMs);
  const day = utcDay(timestampMs);
  // Remembered by the address as it came (in this process only): the /24 or /48 that goes into
  // the hash is worked out once per address, not per request.
  return context.memoAnonymous(day, address, agent, () => {
    const ip = truncateIp(address);
    const salt = memo(`salt\u0000${day}`, () => hasher.hex('footfall:salt', day));
    return clientIdFromDigest(hasher.bytes('footfall:client:anon', `${salt}\u0000${ip}\u0000${agent}`));
  });
}

/** The client's address: the first of X-Forwarded-For when the proxy is trusted, else the socket's. */
function clientIpOf(info: RequestInfo, context: HitContext): string | undefined {
  if (context.trustProxy) {
    const header = info.headers?.forwardedFor;
    const forwarded = typeof header === 'string' ? firstForwarded(header) : undefined;
    if (forwarded !== undefined && forwarded.length > 0) return forwarded;
  }
  return info.clientIp;
}

function userIdOf(info: RequestInfo): string | undefined {
  const { userId } = info;
  if (typeof userId === 'number' && Number.isFinite(userId)) return String(userId);
  return typeof userId === 'string' && userId.length > 0 ? userId : undefined;
}

function resolveTitle(info: RequestInfo, context: HitContext, method: string, route: string): string {
  let title: unknown = info.title;
  if (typeof title !== 'string' && context.title !== undefined) {
    try {
      title = context.title(info);
    } catch {
      title = undefined;
    }
    if (typeof title !== 'string') context.onWarning('FFWRN002');
  }
  const clean = typeof title === 'string' ? cleanHeader(title, MAX_TITLE_CHARS) : '';
  return clean.length > 0 ? clean : context.memoTitle(method, route, () => `${method} ${route}`);
}

/** Methods as they usually come: taken as they are. */
const COMMON_METHODS: ReadonlySet<unknown> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function normalizeMethod(method: unknown): string {
  if (COMMON_METHODS.has(method)) return method as string;
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  return /^[A-Z][A-Z_-]{0,19}$/.test(upper) ? upper : 'OTHER';
}

function normalizeStatus(status: unknown): number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 999 ? status : 0;
}

function normalizeDuration(duration: unknown): number {
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return 0;
  return Math.round(Math.min(duration, MAX_DURATION_MS) * 1000) / 1000;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function cleanHeader(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  return cutChars(stripControl(wellFormed(value)).trim(), max);
}

function copyParams(params: RequestInfo['params']): Hit['params'] | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const out: Record<string, string | number | boolean> = {};
  let count = 0;
  for (const [name, value] of Object.entries(params)) {
    if (count >= MAX_PARAMS) break;
    if (typeof value === 'string') out[name] = cutChars(wellFormed(value), 100);
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') out[name] = value;
    else continue;
    count++;
  }
  return count === 0 ? undefined : out;
}
