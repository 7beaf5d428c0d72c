import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import type { Hit } from '../core/hit.js';
import { resolveHitOptions, toHit } from '../hit-options.js';
import type { QueryPolicy } from '../privacy/query.js';

/** The flags `footfall send` builds its one hit from. */
export interface HitFlags {
  url: string;
  route?: string;
  title?: string;
  method: string;
  status: number;
  durationMs: number;
  userId?: string;
  clientIp?: string;
  userAgent?: string;
  referrer?: string;
  host?: string;
  canonicalHost?: string;
  query: QueryPolicy;
  hashKey?: string;
}

/** The hit, and whether its ids were hashed with a random key (no --hash-key nor FOOTFALL_HASH_KEY). */
export interface BuiltHit {
  hit: Hit;
  randomKey: boolean;
}

const MIN_KEY_CHARS = 16;

/** Adds the request-describing flags to `command`. */
export function addHitFlags(command: Command): Command {
  return command
    .option('--url <path>', 'path and query of the API request (or an absolute URL), e.g. /v1/users/42?fields=name', parseRequestUrl, '/')
    .option('--route <template>', 'route template the framework matched, e.g. /v1/users/:id (default: from --url, ids become :id)')
    .option('--title <text>', 'page title (default: "<METHOD> <route>")')
    .option('--method <method>', 'HTTP method of the request', parseMethod, 'GET')
    .option('--status <code>', 'response status, 100-599', parseHttpStatus, 200)
    .option('--duration-ms <ms>', 'request duration in milliseconds (GA4 engagement_time_msec is this, at least 1)', parseRequestDuration, 100)
    .option('--user-id <id>', 'the application\'s user id (sent as a keyed hash, never as is)')
    .option('--client-ip <address>', 'caller\'s IP: only its truncated form enters the client-id hash; never sent')
    .option('--user-agent <text>', 'caller\'s User-Agent (sent, and part of the client-id hash)')
    .option('--referrer <url>', 'caller\'s Referer (sent redacted)')
    .option('--host <host>', 'the request\'s Host header (default: the host of an absolute --url, else unknown.invalid)')
    .option('--canonical-host <host>', 'one host (optionally with scheme) for the page URL, e.g. https://api.example.com', parseCanonicalHost)
    .option('--query <policy>', 'query redaction: names (keep names, drop values), none, all, or a comma list of names to keep', parseQueryPolicy, 'names')
    .option('--hash-key <key>', 'key of the client/user id hashes, 16+ characters (default: $FOOTFALL_HASH_KEY, else a random one)');
}

/**
 * Builds the hit the library would send for this request: `resolveHitOptions` + `toHit`,
 * at `nowMs`. Throws a usage message through `fail` for a bad hash key (without showing it).
 */
export function buildHit(flags: HitFlags, env: Readonly<Record<string, string | undefined>>, nowMs: number, fail: (message: string) => never): BuiltHit {
  const key = flags.hashKey ?? (env.FOOTFALL_HASH_KEY === '' ? undefined : env.FOOTFALL_HASH_KEY);
  if (key !== undefined && key.length < MIN_KEY_CHARS) {
    fail(`${flags.hashKey === undefined ? 'FOOTFALL_HASH_KEY' : '--hash-key'} must be at least ${MIN_KEY_CHARS} characters, got ${key.length} (the key is not shown); generate one with: node -e "console.log(crypto.randomBytes(32).toString('hex'))"`);
  }
  const context = resolveHitOptions({ hashKey: key ?? randomBytes(32), query: flags.query, canonicalHost: flags.canonicalHost, now: () => nowMs }, {});
  const hit = toHit(
    {
      method: flags.method,
      url: flags.url,
      route: flags.route,
      status: flags.status,
      durationMs: flags.durationMs,
      timestampMs: nowMs,
      clientIp: flags.clientIp,
      userId: flags.userId,
      title: flags.title,
      headers: { userAgent: flags.userAgent, referrer: flags.referrer, host: flags.host },
    },
    context,
  );
  return { hit, randomKey: key === undefined };
}

function parseRequestUrl(value: string): string {
  if (value.startsWith('/') || /^https?:\/\/[^/?#\s]+/i.test(value)) return value;
  throw new InvalidArgumentError(`expected a path starting with / (e.g. /v1/users/42?fields=name) or an absolute http(s) URL, got "${value}".`);
}

function parseMethod(value: string): string {
  if (/^[A-Za-z]{1,20}$/.test(value)) return value.toUpperCase();
  throw new InvalidArgumentError(`expected an HTTP method such as GET or POST, got "${value}".`);
}

function parseHttpStatus(value: string): number {
  const status = Number(value);
  if (/^\d{3}$/.test(value) && status >= 100 && status <= 599) return status;
  throw new InvalidArgumentError(`expected an HTTP status from 100 to 599, got "${value}".`);
}

function parseRequestDuration(value: string): number {
  const ms = Number(value);
  if (/^\d+(\.\d+)?$/.test(value) && ms <= 86_400_000) return ms;
  throw new InvalidArgumentError(`expected a number of milliseconds from 0 to 86400000 (e.g. 12.5), got "${value}".`);
}

function parseCanonicalHost(value: string): string {
  try {
    resolveHitOptions({ canonicalHost: value, hashKey: 'x'.repeat(MIN_KEY_CHARS) }, {});
  } catch {
    throw new InvalidArgumentError(`expected a host like api.example.com or https://api.example.com, got "${value}".`);
  }
  return value;
}

function parseQueryPolicy(value: string): QueryPolicy {
  if (value === 'names' || value === 'none' || value === 'all') return value;
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length > 0 && names.every((name) => /^[A-Za-z0-9_.\-[\]]{1,40}$/.test(name))) return names;
  throw new InvalidArgumentError(`expected names, none, all, or a comma list of parameter names to keep (e.g. fields,page), got "${value}".`);
}
