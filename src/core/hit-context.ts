import type { CompiledQueryPolicy } from '../privacy/query.js';
import type { KeyedHasher } from '../privacy/hash.js';
import type { RequestInfo } from './request-info.js';
import type { DayMemo, Memo, Memo2 } from './memo.js';
import type { SessionStore } from './session.js';

/**
 * Everything `toHit` needs, resolved and validated once (see `resolveHitOptions`), so the
 * per-request path parses nothing.
 */
export interface HitContext {
  readonly hasher: KeyedHasher;
  readonly query: CompiledQueryPolicy;
  readonly title: ((info: RequestInfo) => string) | undefined;
  /** Fixed protocol and host for every page, from `canonicalHost`. */
  readonly canonical: { readonly protocol: string; readonly host: string } | undefined;
  readonly trustProxy: boolean;
  readonly clientId: 'auto' | 'random';
  readonly referrer: 'origin' | 'full' | 'none';
  readonly userAgent: boolean;
  readonly sessions: SessionStore;
  /** Bounded cache of keyed hashes (as many entries as `maxSessions`). */
  readonly memo: Memo;
  /** Bounded caches of pure per-request work that repeats: route templates, referrers. */
  readonly memoRoute: Memo;
  readonly memoReferrer: Memo;
  /** Anonymous client ids by day, address and user agent; hosts by protocol and Host header; redacted queries (per query policy). */
  readonly memoAnonymous: DayMemo;
  readonly memoOrigin: Memo2;
  readonly memoQuery: Memo;
  readonly now: () => number;
  readonly random: () => number;
  /** Called when a user callback misbehaves; never throws. */
  readonly onWarning: (code: 'FFWRN002') => void;
}
