import { FootfallError, describeValue } from '../errors.js';

/**
 * Parses a destination endpoint: an absolute http(s) URL. A bare origin gets `defaultPath`.
 * The error never echoes credentials or the query string, where secrets tend to live.
 */
export function parseEndpoint(value: unknown, defaultPath: string): URL {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_ENDPOINT', describeValue(typeof value === 'string' ? hideSecrets(value) : value));
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = defaultPath;
  url.hash = '';
  return url;
}

/** `value` as a URL, or undefined when it is not a string or not one. */
export function tryUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The text of a URL with its user, password and query replaced by `***`: safe to print. */
export function hideSecrets(text: string): string {
  return text.replace(/\/\/[^/@?#]*@/, '//***@').replace(/\?.*$/s, '?***');
}

/** Marks `secret` as a hidden property of `target`: not enumerable, not in JSON or inspect output. */
export function hideSecret(target: object, name: string, secret: string): void {
  Object.defineProperty(target, name, { value: secret, enumerable: false, writable: false });
}
