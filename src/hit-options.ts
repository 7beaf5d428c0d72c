import { randomBytes } from 'node:crypto';
import type { HitContext, Origin } from './core/hit-context.js';
import type { Hit } from './core/hit.js';
import type { RequestInfo } from './core/request-info.js';
import { toHit as coreToHit } from './core/to-hit.js';
import { isUsableHitId } from './core/hit-id.js';
import { createDayMemo, createMemo, createMemo2 } from './core/memo.js';
import { createSessionStore } from './core/session.js';
import { normalizeHost, webProtocol } from './core/url.js';
import { FootfallError, describeSecret, describeValue } from './errors.js';
import { createKeyedHasher } from './privacy/hash.js';
import { compileQueryPolicy, type QueryPolicy } from './privacy/query.js';
import { booleanOption, functionOption, integerOption, oneOfOption, refuseUnknownKeys } from './option-checks.js';
import { readFootfallEnv, type FootfallEnv, type RawEnv } from './internal/footfall-env.js';
import { warnOnce } from './warnings.js';

/** How requests become hits. Every option is optional; defaults are documented in docs/options.md. */
export interface HitOptions {
  /**
   * Key for every keyed hash (client ids, user ids). Processes that share it agree on ids.
   * @default process.env.FOOTFALL_HASH_KEY, else a random key per process (with warning FFWRN001)
   */
  hashKey?: string | Uint8Array | undefined;
  /** @default 'names' (keep parameter names, drop every value) */
  query?: QueryPolicy | undefined;
  /** Page title for a request. @default `${method} ${route}` */
  title?: ((info: RequestInfo) => string) | undefined;
  /** One host (optionally with scheme) for every page, e.g. 'https://api.example.com'. @default the request's Host */
  canonicalHost?: string | undefined;
  /** Believe X-Forwarded-Proto / X-Forwarded-Host. @default false */
  trustProxy?: boolean | undefined;
  /** 'auto': keyed hash of the user id, else of truncated IP + user agent (salt rotates daily); 'random': new id per hit. @default 'auto' */
  clientId?: 'auto' | 'random' | undefined;
  /** @default 'origin' */
  referrer?: 'origin' | 'full' | 'none' | undefined;
  /** Send the caller's user agent. @default true */
  userAgent?: boolean | undefined;
  /** @default 1_800_000 (30 minutes) */
  sessionTimeoutMs?: number | undefined;
  /** Clients whose session (and hashed ids) are remembered; past it the least recently seen is forgotten. @default 10_000 */
  maxSessions?: number | undefined;
  /** Injected clock, epoch milliseconds. @default Date.now */
  now?: (() => number) | undefined;
  /** Injected randomness in [0, 1). @default Math.random */
  random?: (() => number) | undefined;
}

/** Every key of HitOptions, for the option resolvers that refuse unknown keys. */
export const HIT_OPTION_KEYS: readonly (keyof HitOptions)[] = ['hashKey', 'query', 'title', 'canonicalHost', 'trustProxy', 'clientId', 'referrer', 'userAgent', 'sessionTimeoutMs', 'maxSessions', 'now', 'random'];

const HIT_KEYS: ReadonlySet<string> = new Set(HIT_OPTION_KEYS);

/** The hit options among a larger options object (the tracker's). */
export function pickHitOptions(options: HitOptions): HitOptions {
  const picked: Record<string, unknown> = {};
  for (const key of HIT_OPTION_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked as HitOptions;
}

/** The variables resolveHitOptions reads (FOOTFALL_HASH_KEY and the test runner's), or what `readFootfallEnv` made of them. */
export type ResolveEnv = RawEnv | FootfallEnv;

/** Validates `options` once and returns the frozen context `toHit` runs on. Throws FootfallError. */
export function resolveHitOptions(options: HitOptions = {}, env: ResolveEnv = process.env): HitContext {
  if (options === null || typeof options !== 'object') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  }
  refuseUnknownKeys(options, HIT_KEYS, 'resolveHitOptions');
  const maxSessions = integerOption('maxSessions', options.maxSessions, 10_000, 1, 'a positive integer');
  const context: HitContext = Object.freeze({
    hasher: createKeyedHasher(resolveHashKey(options.hashKey, isRead(env) ? env : readFootfallEnv(env))),
    query: compileQueryPolicy(options.query ?? 'names'),
    title: functionOption('title', options.title),
    canonical: resolveCanonical(options.canonicalHost),
    trustProxy: booleanOption('trustProxy', options.trustProxy, false),
    clientId: oneOfOption('clientId', options.clientId, ['auto', 'random'] as const, 'auto'),
    referrer: oneOfOption('referrer', options.referrer, ['origin', 'full', 'none'] as const, 'origin'),
    userAgent: booleanOption('userAgent', options.userAgent, true),
    sessions: createSessionStore({ idleTimeoutMs: integerOption('sessionTimeoutMs', options.sessionTimeoutMs, 1_800_000, 1, 'a positive integer'), maxSessions }),
    memo: createMemo(maxSessions),
    memoUserHash: createMemo(maxSessions),
    memoUserClient: createMemo(maxSessions),
    memoPath: createMemo2(2_000),
    memoLocation: createMemo2(2_000),
    memoTitle: createMemo2(2_000),
    memoAgent: createMemo(1_000),
    memoRoute: createMemo(2_000),
    memoReferrer: createMemo(1_000),
    memoAnonymous: createDayMemo(maxSessions),
    memoOrigin: createMemo2<Origin>(200),
    memoQuery: createMemo(1_000),
    now: functionOption('now', options.now) ?? Date.now,
    random: functionOption('random', options.random) ?? Math.random,
    onWarning: (code: 'FFWRN002') => warnOnce(code),
  });
  resolved.add(context);
  return context;
}

const resolved = new WeakSet<object>();
const cache = new WeakMap<object, HitContext>();
let defaultContext: HitContext | undefined;

/**
 * Turns a finished request into a hit (see core/to-hit.ts). `options` is either the context
 * from `resolveHitOptions` (fastest; reuse it) or plain options, resolved once per object.
 */
export function toHit(info: RequestInfo, options?: HitOptions | HitContext): Hit {
  const context = contextFor(options);
  // A given hit id is checked in full here, at the public door (the tracker checks at track()).
  if (info !== null && typeof info === 'object' && info.hitId !== undefined && !isUsableHitId(info.hitId)) return coreToHit({ ...info, hitId: undefined }, context);
  return coreToHit(info, context);
}

function contextFor(options: HitOptions | HitContext | undefined): HitContext {
  if (options === undefined) return (defaultContext ??= resolveHitOptions());
  if (resolved.has(options)) return options as HitContext;
  let context = cache.get(options);
  if (context === undefined) {
    context = resolveHitOptions(options as HitOptions);
    cache.set(options, context);
  }
  return context;
}

function resolveHashKey(key: unknown, env: FootfallEnv): string | Uint8Array {
  const chosen = key ?? env.hashKey;
  if (chosen === undefined) {
    // Under a test runner a random key per process is what tests want: nothing to warn about.
    if (env.testRunner === undefined) warnOnce('FFWRN001');
    return randomBytes(32);
  }
  if ((typeof chosen === 'string' && chosen.length >= 16) || (chosen instanceof Uint8Array && chosen.length >= 16)) {
    return chosen;
  }
  throw new FootfallError('FOOTFALL_ERR_INVALID_HASH_KEY', describeSecret(chosen));
}

function resolveCanonical(value: unknown): HitContext['canonical'] {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : '';
  const scheme = /^([a-z]+):\/\//i.exec(text);
  const protocol = scheme === null ? 'https' : webProtocol(scheme[1]);
  const rest = scheme === null ? text : text.slice(scheme[0].length).replace(/\/+$/, '');
  const host = protocol === undefined ? '' : normalizeHost(rest, protocol);
  if (protocol === undefined || host.length === 0) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'canonicalHost', 'a host like "api.example.com" or "https://api.example.com"', describeValue(value));
  }
  return Object.freeze({ protocol, host, origin: `${protocol}://${host}` });
}

/** Per-adapter overrides of the tracker's hit options. */
export interface HitOverrides {
  query?: QueryPolicy | undefined;
  canonicalHost?: string | undefined;
  trustProxy?: boolean | undefined;
}

/**
 * A context like `base` with some options replaced, sharing its key, sessions and hash caches,
 * so one consumer keeps one id and one session whichever adapter saw it. Throws FootfallError.
 */
export function deriveHitContext(base: HitContext, overrides: HitOverrides): HitContext {
  if (overrides.query === undefined && overrides.canonicalHost === undefined && overrides.trustProxy === undefined) return base;
  const query = overrides.query === undefined ? base.query : compileQueryPolicy(overrides.query);
  const context: HitContext = Object.freeze({
    ...base,
    query,
    canonical: overrides.canonicalHost === undefined ? base.canonical : resolveCanonical(overrides.canonicalHost),
    trustProxy: booleanOption('trustProxy', overrides.trustProxy, base.trustProxy),
    // Referrers are redacted with the query policy: a different policy needs its own cache.
    memoReferrer: query === base.query ? base.memoReferrer : createMemo(1_000),
    memoQuery: query === base.query ? base.memoQuery : createMemo(1_000),
  });
  resolved.add(context);
  return context;
}


/** Checks overrides at setup time, so a bad one throws where it is written, not per request. */
export function checkHitOverrides(overrides: HitOverrides): Readonly<HitOverrides> {
  if (overrides.query !== undefined) compileQueryPolicy(overrides.query);
  if (overrides.canonicalHost !== undefined) resolveCanonical(overrides.canonicalHost);
  booleanOption('trustProxy', overrides.trustProxy, false);
  return Object.freeze({ query: overrides.query, canonicalHost: overrides.canonicalHost, trustProxy: overrides.trustProxy });
}

function isRead(env: ResolveEnv): env is FootfallEnv {
  return typeof (env as FootfallEnv).disabled === 'boolean';
}
