import {
  GA4_LIMITS,
  GA4_NAME_PATTERN,
  GA4_RESERVED_EVENT_NAMES,
  GA4_RESERVED_PARAM_NAMES,
  GA4_RESERVED_PARAM_PREFIXES,
  GA4_RESERVED_WEB_EVENT_NAMES,
} from './limits.js';

/** True when `name` starts with one of `prefixes`. */
export function hasReservedPrefix(name: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * Makes any string a valid, unreserved GA4 parameter name: invalid characters become `_`,
 * reserved prefixes are stripped, a leading non-letter gets a `p_` prefix, the result is
 * cut to 40 characters. Returns '' when nothing usable remains.
 */
export function sanitizeParamName(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_]/g, '_');
  while (hasReservedPrefix(out, GA4_RESERVED_PARAM_PREFIXES)) {
    out = out.replace(/^(?:_+|firebase_|ga_|google_)/, '');
  }
  if (out.length === 0 || /^_*$/.test(out)) return '';
  if (!/^[A-Za-z]/.test(out)) out = `p_${out}`;
  if (GA4_RESERVED_PARAM_NAMES.has(out)) out = `x_${out}`;
  return out.slice(0, GA4_LIMITS.maxNameChars).replace(/_+$/, '') || '';
}

/** Makes any string a valid, unreserved GA4 event name (reserved names get an `api_` prefix). */
export function sanitizeEventName(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '');
  if (out.length === 0) out = 'api_event';
  if (GA4_RESERVED_EVENT_NAMES.has(out) || GA4_RESERVED_WEB_EVENT_NAMES.has(out) || hasReservedPrefix(out, ['firebase_', 'ga_', 'google_'])) {
    out = `api_${out}`;
  }
  out = out.slice(0, GA4_LIMITS.maxNameChars);
  return GA4_NAME_PATTERN.test(out) ? out : 'api_event';
}
