/**
 * Every error Footfall throws comes from this table: a stable `code`, a message template
 * with `%s` slots, and a hint that says how to fix it. Codes are never reused or renamed;
 * docs/errors.md lists each one (a test keeps the two in step).
 */
export const ERROR_CODES = {
  FOOTFALL_ERR_INVALID_OPTION: {
    message: '`%s` must be %s, got %s.',
    hint: 'Check the option against docs/options.md.',
  },
  FOOTFALL_ERR_UNKNOWN_OPTION: {
    message: '`%s` is not an option of %s%s.',
    hint: 'Remove it, or check its spelling against docs/options.md and docs/delivery.md.',
  },
  FOOTFALL_ERR_CONFLICTING_OPTIONS: {
    message: '`%s` (%s) must not be greater than `%s` (%s).',
    hint: 'Lower the first or raise the second; the defaults are in docs/delivery.md.',
  },
  FOOTFALL_ERR_INVALID_MEASUREMENT_ID: {
    message: '`measurementId` must be a GA4 measurement id like "G-XXXXXXXXXX", got %s.',
    hint: 'Find it in Google Analytics under Admin > Data streams > (your stream) > Measurement ID. A "UA-..." id belongs to Universal Analytics: use ua({ trackingId }) for it. No Google account yet? collector(\'http://127.0.0.1:8787\') sends to a local Footfall collector without ids.',
  },
  FOOTFALL_ERR_INVALID_API_SECRET: {
    message: '`apiSecret` must be a non-empty Measurement Protocol API secret without spaces, got %s.',
    hint: 'Create one under Admin > Data streams > (your stream) > Measurement Protocol API secrets, and pass it from the environment, not from source code.',
  },
  FOOTFALL_ERR_INVALID_TRACKING_ID: {
    message: '`trackingId` must be a Universal Analytics tracking id like "UA-12345-1", got %s.',
    hint: 'A "G-..." id is a GA4 measurement id: use ga4({ measurementId, apiSecret }) for it.',
  },
  FOOTFALL_ERR_INVALID_ENDPOINT: {
    message: '`endpoint` must be an absolute http:// or https:// URL, got %s.',
    hint: 'For a local collector use e.g. "http://127.0.0.1:5000/mp/collect"; omit the option to send to Google.',
  },
  FOOTFALL_ERR_INVALID_HASH_KEY: {
    message: '`hashKey` must be a string of at least 16 characters or a Uint8Array of at least 16 bytes, got %s.',
    hint: 'Generate one with `node -e "console.log(crypto.randomBytes(32).toString(\'hex\'))"` and pass it as FOOTFALL_HASH_KEY; every process that should agree on ids needs the same key.',
  },
  FOOTFALL_ERR_INVALID_QUERY_POLICY: {
    message: '`query` must be "names", "none", "all" or an array of parameter names, got %s.',
    hint: '"names" (the default) keeps parameter names and drops every value.',
  },
  FOOTFALL_ERR_NO_TRACKER: {
    message: 'trackRequests() needs a tracker, got %s, and neither FOOTFALL_GA4_MEASUREMENT_ID with FOOTFALL_GA4_API_SECRET nor FOOTFALL_ENDPOINT is set.',
    hint: 'Pass one: trackRequests(createTracker({ destination: ga4({...}) })); or set both GA4 variables; or set FOOTFALL_ENDPOINT=http://127.0.0.1:8787 to send to a local collector (npx footfall collector). FOOTFALL_DISABLED=1 turns tracking off.',
  },
  FOOTFALL_ERR_INVALID_ROUTES_FILE: {
    message: 'The routes file %s could not be used: %s.',
    hint: 'Give an OpenAPI 3 or Swagger 2.0 document (JSON or YAML) with a `paths` object (optional in OpenAPI 3.1), or a JSON list like ["GET /users/:id"] or [{"method":"GET","route":"/users/:id"}] (what listRoutes(app) returns).',
  },
  FOOTFALL_ERR_ROUTES_FILE_UNREADABLE: {
    message: 'The routes file %s could not be read: %s.',
    hint: 'Pass the path of the file itself: a JSON or YAML document (gzip is read too) of at most 20 MB. docs/routes.md says what a routes file may hold.',
  },
  FOOTFALL_ERR_ROUTES_FILE_SYNTAX: {
    message: 'The routes file %s could not be used: %s.',
    hint: 'Fix the text at that line and column (an editor or `npx @redocly/cli lint FILE` points at the same place); a .json file, or a file that starts with { or [, is read as JSON only.',
  },
  FOOTFALL_ERR_STORE_UNAVAILABLE: {
    message: 'The hit store %s could not be opened: %s.',
    hint: 'Check that the directory exists and is writable, or use --memory. better-sqlite3 (version 12) must be installed: `npm i better-sqlite3@12`.',
  },
  FOOTFALL_ERR_SQLITE_NOT_BUILT: {
    message: 'better-sqlite3 is installed but its native module is not usable: expected %s, got %s.',
    hint: 'Build it with `npm rebuild better-sqlite3` (an .npmrc with ignore-scripts=true skips its install script; rebuild after each install, or after changing Node versions).',
  },
  FOOTFALL_ERR_SQLITE_MISSING: {
    message: 'The collector stores hits with better-sqlite3, which is not installed: expected %s, got %s.',
    hint: 'Install it beside footfall: `npm i better-sqlite3@12` (an optional peer dependency, so installing the footfall library alone never builds a native module).',
  },
  FOOTFALL_ERR_STORE_TOO_NEW: {
    message: 'The hit store %s has schema version %s, newer than this Footfall understands (%s).',
    hint: 'Upgrade Footfall, or point --db at another file (for PostgreSQL: another database or schema).',
  },
  FOOTFALL_ERR_NOT_A_STORE: {
    message: 'The %s is not a Footfall hit store: it is %s.',
    hint: 'Point --db at the SQLite file a collector writes (`footfall collector --db <file>`, default ./footfall.db) or at the PostgreSQL database and schema it writes (--db postgres://… --db-schema NAME), or, for the collector, at a new or empty file. Footfall never changes a file that is not its own.',
  },
  FOOTFALL_ERR_UNSAFE_LISTEN: {
    message: 'The collector would listen on %s without a token.',
    hint: 'Anyone who reaches that address could read your API\'s usage. Pass --token <secret> (or FOOTFALL_COLLECTOR_TOKEN), listen on 127.0.0.1, or pass --insecure if the network is trusted.',
  },
  FOOTFALL_ERR_INVALID_DATABASE_URL: {
    message: '`url` must be a postgres:// or postgresql:// URL like "postgres://user@127.0.0.1:5432/footfall", got %s.',
    hint: 'Pass createPostgresStore({ url }). A password goes in the URL (postgres://user:secret@host:5432/db); it is never shown.',
  },
  FOOTFALL_ERR_DATABASE_UNREACHABLE: {
    message: 'PostgreSQL at %s could not be reached: %s.',
    hint: 'Check that PostgreSQL runs and listens there (`pg_isready -h HOST -p PORT`), the host, the port and the firewall.',
  },
  FOOTFALL_ERR_STORE_TIMEOUT: {
    message: 'The hit store did not answer within %s ms.',
    hint: 'The database may be cut off without a word (a network partition) or overloaded. The request was answered 503 and may be retried: a write that still completes later is stored once, by hit id.',
  },
  FOOTFALL_ERR_DATABASE_AUTH: {
    message: 'PostgreSQL at %s refused the login: %s.',
    hint: 'Check the user and the password in the URL (postgres://user:password@host:5432/db; the password is never shown) and the server\'s pg_hba.conf.',
  },
  FOOTFALL_ERR_DATABASE_MISSING: {
    message: 'PostgreSQL at %s has no such database: %s.',
    hint: 'Create it (`createdb NAME`, or CREATE DATABASE NAME), or fix the database name at the end of the URL.',
  },
  FOOTFALL_ERR_DATABASE_PERMISSION: {
    message: 'PostgreSQL at %s refused what the store needs in schema %s: %s.',
    hint: 'Let the URL\'s user create in that database and schema (GRANT CREATE ON DATABASE db TO user; GRANT USAGE, CREATE ON SCHEMA s TO user), or connect as their owner.',
  },
  FOOTFALL_ERR_INVALID_REDIS_URL: {
    message: '`redisUrl` must be a redis:// or rediss:// URL like "redis://127.0.0.1:6379", got %s.',
    hint: 'Pass queue({ redisUrl }) or startWorker({ redisUrl }), --redis URL on the command line, or set FOOTFALL_REDIS_URL. A password goes in the URL (redis://:secret@host:6379); it is never shown.',
  },
  FOOTFALL_ERR_REDIS_UNREACHABLE: {
    message: 'Redis at %s did not answer within %s ms: %s.',
    hint: 'Check that Redis runs and listens there (`redis-cli -u URL ping`), the host, port and firewall, and the password in the URL. Start one locally with `redis-server --port 6379`.',
  },
  FOOTFALL_ERR_REDIS_TOO_OLD: {
    message: 'Redis at %s is version %s; BullMQ, which carries Footfall\'s queue, needs Redis %s or newer.',
    hint: 'Upgrade Redis (or use a compatible server such as Valkey or Dragonfly).',
  },
  FOOTFALL_ERR_UNKNOWN_EVENT: {
    message: 'tracker.on() got %s%s, which is not an event; the events are %s.',
    hint: 'Listen with tracker.on(event, fn); each event and its report are in docs/delivery.md ("What happens to a hit").',
  },
  FOOTFALL_ERR_INVALID_LOG_FORMAT: {
    message: 'The log format %s could not be used: %s.',
    hint: 'Give --format auto, combined, common, json, alb, or nginx:\'<log_format>\' with the log_format string of your nginx.conf (quoted for the shell; variables like $remote_addr, $time_local, $request, $status). docs/import.md shows each format.',
  },
  FOOTFALL_ERR_INVALID_FIELD_MAPPING: {
    message: 'The JSON field mapping %s could not be used: %s.',
    hint: 'Write it as --field NAME=PATH, NAME one of time, method, path, status, durationMs, durationSeconds, clientIp, userAgent, referer, host, userId, forwardedFor, and PATH a dotted path into each line, e.g. --field time=@timestamp --field path=http.url.',
  },
  FOOTFALL_ERR_IMPORT_INPUT_MISSING: {
    message: 'The log input %s %s.',
    hint: 'Check the path and the current directory; quote a glob (\'logs/*.gz\') so that footfall expands it, or pass - to read standard input.',
  },
  FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE: {
    message: 'The log input %s could not be read: %s.',
    hint: 'Check that it is a readable file (plain text or gzip; decompress zip, bzip2, xz or zstd first) and not cut short; a broken gzip file can be checked with `gzip -t FILE`.',
  },
} as const satisfies Record<string, { message: string; hint: string }>;

export type FootfallErrorCode = keyof typeof ERROR_CODES;

const BRAND = Symbol.for('footfall.error');

/** The one error class Footfall throws. `code` is stable; match on it, not on `message`. */
export class FootfallError extends Error {
  readonly code: FootfallErrorCode;
  readonly hint: string;

  constructor(code: FootfallErrorCode, ...args: string[]) {
    const entry = ERROR_CODES[code];
    let i = 0;
    const text = entry.message.replace(/%s/g, () => args[i++] ?? '');
    super(`${text} ${entry.hint}`);
    this.name = 'FootfallError';
    this.code = code;
    this.hint = entry.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `instanceof FootfallError` holds for an error from any copy of Footfall: the ESM and the
   * CommonJS builds loaded side by side in one process are two copies (the dual-package hazard).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isFootfallError(value);
  }
}

/** True for a FootfallError, even one from another copy of the package. */
export function isFootfallError(value: unknown): value is FootfallError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Describes a received value for an error message: its value (cut short) and its type.
 * Never use it on secrets: use {@link describeSecret}.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
    return `${JSON.stringify(shown)} (string)`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${String(value)} (${typeof value})`;
}

/** Describes a secret without revealing any of it: only its type and length. */
export function describeSecret(value: unknown): string {
  if (typeof value !== 'string') return describeTypeOnly(value);
  if (value.length === 0) return 'an empty string';
  const spaces = /\s/.test(value) ? ' containing whitespace' : '';
  return `a string of ${value.length} characters${spaces} (value hidden)`;
}

function describeTypeOnly(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}
