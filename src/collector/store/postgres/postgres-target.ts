import { FootfallError, describeValue } from '../../../errors.js';
import { hideSecrets, tryUrl } from '../../../protocols/endpoint.js';

/** A checked PostgreSQL URL and schema, and how to name them in messages (never with the password). */
export interface PostgresTarget {
  /** Never log it: it may hold a password. */
  readonly url: string;
  /** `postgres://user@host:port/db`, the password and the query left out. */
  readonly label: string;
  /** The database named in the URL's path. */
  readonly database: string;
  /** The PostgreSQL schema the store's tables live in. */
  readonly schema: string;
}

/** Plain lower-case names only: the schema goes into search_path and DDL unquoted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a `postgres://` or `postgresql://` URL and a schema name; throws FOOTFALL_ERR_INVALID_DATABASE_URL without echoing a password. */
export function parsePostgresTarget(value: unknown, schema: unknown = 'public'): PostgresTarget {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || url.hostname === '') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_DATABASE_URL', typeof value === 'string' ? JSON.stringify(hideSecrets(value)) : describeValue(value));
  }
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_DATABASE_URL', `${JSON.stringify(hideSecrets(value as string))} with schema ${describeValue(schema)} (a schema must match [a-z_][a-z0-9_]*, at most 63 characters)`);
  }
  const user = url.username === '' ? '' : `${url.username}@`;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return { url: url.toString(), label: `${url.protocol}//${user}${url.host}${url.pathname}`, database, schema };
}

/** `text` with the URL's password, if any, replaced (a driver message may quote the URL). */
export function withoutPassword(text: string, url: string): string {
  const password = tryUrl(url)?.password ?? '';
  const hidden = hideSecrets(text);
  return password === '' ? hidden : hidden.split(password).join('***').split(decodeURIComponent(password)).join('***');
}
