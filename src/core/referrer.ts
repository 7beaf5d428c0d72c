import { cutEncoded, wellFormed } from '../internal/text.js';
import { redactQuery } from '../privacy/query.js';
import type { HitContext } from './hit-context.js';
import { normalizeHost, splitUrl, webProtocol } from './url.js';

const MAX_REFERRER_PATH_CHARS = 300;

/**
 * The referrer as it may leave: `'origin'` (default) keeps scheme and host only; `'full'`
 * adds the path and the query as the query policy allows; `'none'` sends nothing.
 * Credentials and fragments never leave. Returns undefined when there is nothing valid.
 */
export function buildReferrer(raw: unknown, context: HitContext): string | undefined {
  if (context.referrer === 'none' || typeof raw !== 'string' || raw.length === 0) return undefined;
  const url = splitUrl(raw.trim());
  const protocol = webProtocol(url.protocol);
  if (protocol === undefined) return undefined;
  const host = normalizeHost(url.host, protocol);
  if (host.length === 0) return undefined;
  const origin = `${protocol}://${host}`;
  if (context.referrer === 'origin') return origin;
  const path = cutEncoded(sanitizePath(url.path), MAX_REFERRER_PATH_CHARS);
  const query = redactQuery(url.query, context.query);
  return query.length === 0 ? `${origin}${path}` : `${origin}${path}?${query}`;
}

/** Keeps valid escapes and URL-safe characters of a raw path; escapes everything else. */
export function sanitizePath(path: string): string {
  return wellFormed(path).replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) =>
    c === '%' ? '%25' : encodeURIComponent(c),
  );
}
