import { FootfallError, describeValue } from '../errors.js';
import { hideSecrets, tryUrl } from '../protocols/endpoint.js';

/** A checked Redis URL, and how to name it in messages (never with its password). */
export interface RedisTarget {
  /** Never log it: it may hold a password. */
  readonly url: string;
  /** `redis://host:port/db`, user and password left out. */
  readonly label: string;
}

/** Checks a `redis://` or `rediss://` URL; throws FOOTFALL_ERR_INVALID_REDIS_URL without echoing a password. */
export function parseRedisUrl(value: unknown): RedisTarget {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_REDIS_URL', typeof value === 'string' ? JSON.stringify(hideSecrets(value)) : describeValue(value));
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_REDIS_URL', `${JSON.stringify(hideSecrets(value as string))} (the path must be a database number, like /0)`);
  }
  return { url: url.toString(), label: `${url.protocol}//${url.host}${db === '' ? '' : `/${db}`}` };
}
