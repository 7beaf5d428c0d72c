import { FootfallError, describeValue } from '../errors.js';

/** A checked Redis URL, and how to name it in messages (never with its password). */
export interface RedisTarget {
  /** Never log it: it may hold a password. */
  readonly url: string;
  /** `redis://host:port/db`, user and password left out. */
  readonly label: string;
}

/** Checks a `redis://` or `rediss://` URL; throws FOOTFALL_ERR_INVALID_REDIS_URL without echoing a password. */
export function parseRedisUrl(value: unknown): RedisTarget {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_REDIS_URL', typeof value === 'string' ? JSON.stringify(hidePassword(value)) : describeValue(value));
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_REDIS_URL', `${JSON.stringify(hidePassword(value as string))} (the path must be a database number, like /0)`);
  }
  return { url: url.toString(), label: `${url.protocol}//${url.host}${db === '' ? '' : `/${db}`}` };
}

function hidePassword(text: string): string {
  return text.replace(/\/\/[^/@?#]*@/, '//***@');
}
