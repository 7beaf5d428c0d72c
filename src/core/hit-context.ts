import type { CompiledQueryPolicy } from '../privacy/query.js';
import type { KeyedHasher } from '../privacy/hash.js';
import type { RequestInfo } from './request-info.js';
import type { DayMemo, Memo, Memo2 } from './memo.js';
import type { SessionStore } from './session.js';

/** A page's protocol and host, and the two joined (`https://api.example.com`). */
export interface Origin {
  readonly protocol: string;
  readonly host: string;
  readonly origin: string;
}

/**
 * Everything `toHit` needs, resolved and validated once (see `resolveHitOptions`), so the
 * per-request path parses nothing.
 */
export interface HitContext {
  readonly hasher: KeyedHasher;
  readonly query: CompiledQueryPolicy;
  readonly title: ((info: RequestInfo) => string) | undefined;
  /** Fixed protocol and host for every page, from `canonicalHost`. */
  readonly canonical: Origin | undefined;
  readonly trustProxy: boolean;
  readonly clientId: 'auto' | 'random';
  readonly referrer: 'origin' | 'full' | 'none';
  readonly userAgent: boolean;
  readonly sessions: SessionStore;
  /** Bounded cache of keyed hashes (as many entries as `maxSessions`). */
  readonly memo: Memo;
  /** The same for user ids, keyed by the id as given (no joined key built per request): its hash, and the client id made from it. */
  readonly memoUserHash: Memo;
  readonly memoUserClient: Memo;
  /**
   * Strings every hit of a page shares, joined once and handed out again (a shared string's
   * hash is computed once, so the encoder's lookups by it stay cheap, and a held hit keeps no
   * string of its own): path by page and redacted query, location by origin and path, the
   * default title by method and route. Pure functions of their keys.
   */
  readonly memoPath: Memo2;
  readonly memoLocation: Memo2;
  readonly memoTitle: Memo2;
  /** User agents as cleaned for a hit, by the header as it came: cleaned once, and one shared string for every hit of that client. */
  readonly memoAgent: Memo;
  /** Bounded caches of pure per-request work that repeats: route templates, referrers. */
  readonly memoRoute: Memo;
  readonly memoReferrer: Memo;
  /** Anonymous client ids by day, address and user agent; hosts by protocol and Host header; redacted queries (per query policy). */
  readonly memoAnonymous: DayMemo;
  readonly memoOrigin: Memo2<Origin>;
  readonly memoQuery: Memo;
  readonly now: () => number;
  readonly random: () => number;
  /** Called when a user callback misbehaves; never throws. */
  readonly onWarning: (code: 'FFWRN002') => void;
}
