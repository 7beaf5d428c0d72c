import type { IncomingHit } from '../types.js';

const TEXT_FIELDS = ['method', 'route', 'client', 'userId', 'title', 'host', 'eventName', 'hitId'] as const;

/**
 * Hits whose text PostgreSQL can store: a NUL character (U+0000, which JSON allows and GA4
 * hits may carry) becomes U+FFFD in every text field. PostgreSQL refuses NUL in text outright,
 * which would make such a request fail on every retry; both stores apply this, so their
 * answers stay equal. The same array comes back when no hit has a NUL (the usual case).
 */
export function storableHits(hits: readonly IncomingHit[]): readonly IncomingHit[] {
  let out: IncomingHit[] | undefined;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as IncomingHit;
    if (!hasNul(hit)) continue;
    out ??= hits.slice();
    out[i] = withoutNul(hit);
  }
  return out ?? hits;
}

function hasNul(hit: IncomingHit): boolean {
  for (const field of TEXT_FIELDS) {
    const value = hit[field];
    if (typeof value === 'string' && value.includes('\u0000')) return true;
  }
  return false;
}

function withoutNul(hit: IncomingHit): IncomingHit {
  const copy: Record<string, unknown> = { ...hit };
  for (const field of TEXT_FIELDS) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = value.replaceAll('\u0000', '\uFFFD');
  }
  return copy as unknown as IncomingHit;
}
