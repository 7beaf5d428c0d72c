import { cutChars, stripControl, wellFormed } from '../internal/text.js';
import { safeDecode } from '../privacy/query.js';
import { UNMATCHED_ROUTE } from './hit.js';

/** Longest route template kept; longer ones are cut. */
export const MAX_ROUTE_CHARS = 200;
/** A path without a known route keeps at most this many segments. */
const MAX_SEGMENTS = 12;

/**
 * Normalises a framework's route template: one leading slash, no empty segments, no
 * trailing slash, parameter patterns removed (`:id(\\d+)` and `:id{[0-9]+}` become `:id`).
 * `null` and '' become the `(unmatched)` bucket.
 */
export function normalizeRoute(route: string | null): string {
  if (route === null) return UNMATCHED_ROUTE;
  const clean = stripControl(wellFormed(route))
    .replace(/(:[A-Za-z0-9_$]+)(\([^)]*\)+|\{[^}]*\})/g, '$1')
    .split('/')
    .filter((segment) => segment.length > 0)
    .join('/');
  if (clean.length === 0) return route.length === 0 ? UNMATCHED_ROUTE : '/';
  return cutChars(`/${clean}`, MAX_ROUTE_CHARS);
}

/**
 * Derives a template from a raw path when no route is known: segments that look like ids
 * (numbers, UUIDs, long hex, long tokens, e-mail addresses) become `:id`, so raw ids never
 * become pages. A last resort; adapters pass the framework's own template instead.
 */
export function templateFromPath(path: string): string {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const out = segments.slice(0, MAX_SEGMENTS).map((segment) => {
    const decoded = safeDecode(segment) ?? segment;
    return looksLikeId(decoded) ? ':id' : decoded;
  });
  if (segments.length > MAX_SEGMENTS) out.push('*');
  return normalizeRoute(`/${out.join('/')}`);
}

const ID_PATTERNS = [
  /^\d+$/,
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  /^[0-9a-f]{12,}$/i,
  /@/,
];

function looksLikeId(segment: string): boolean {
  if (segment.length > 40) return true;
  for (const pattern of ID_PATTERNS) if (pattern.test(segment)) return true;
  // Long tokens that mix letters and digits (slugs of words rarely carry digits).
  return segment.length >= 16 && /\d/.test(segment) && /[A-Za-z]/.test(segment);
}
