import { isHealthCheckRoute } from '../../core/health-check.js';
import { FootfallError, describeValue } from '../../errors.js';
import { checkHitOverrides, type HitOverrides } from '../../hit-options.js';
import { functionOption, rateOption } from '../../option-checks.js';
import type { QueryPolicy } from '../../privacy/query.js';

/** Options every adapter takes, validated once when the adapter is created. */
export interface AdapterOptions<Req> {
  /** Page title for a request (the seed used `'API (%s)' % view class`). @default `${METHOD} ${route}` */
  title?: ((req: Req) => string | undefined) | undefined;
  /** The caller's id in your app (e.g. the API token's owner); hashed with the key before it leaves. @default none */
  userId?: ((req: Req) => string | number | undefined) | undefined;
  /** Requests not to record. @default skip OPTIONS and health checks (see isHealthCheck) */
  skip?: ((req: Req) => boolean) | undefined;
  /** Fraction of requests recorded, 0 to 1. @default 1 */
  sampleRate?: number | undefined;
  /** Query policy for this adapter's hits. @default the tracker's ('names') */
  query?: QueryPolicy | undefined;
  /** One host for every page, e.g. 'https://api.example.com'. @default the tracker's, else the Host header */
  canonicalHost?: string | undefined;
  /** Believe X-Forwarded-Host / -Proto / -For. @default the tracker's (false) */
  trustProxy?: boolean | undefined;
  /** Injected randomness for sampling. @default Math.random */
  random?: (() => number) | undefined;
}

export interface ResolvedAdapterOptions<Req> {
  readonly title: ((req: Req) => string | undefined) | undefined;
  readonly userId: ((req: Req) => string | number | undefined) | undefined;
  readonly skip: ((req: Req) => boolean) | undefined;
  readonly sampleRate: number;
  readonly hitOptions: Readonly<HitOverrides> | undefined;
  readonly trustProxy: boolean;
  readonly random: () => number;
}

export function resolveAdapterOptions<Req>(options: AdapterOptions<Req> = {}): ResolvedAdapterOptions<Req> {
  if (options === null || typeof options !== 'object') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  }
  const sampleRate = rateOption('sampleRate', options.sampleRate, 1);
  const overrides = { query: options.query, canonicalHost: options.canonicalHost, trustProxy: options.trustProxy };
  const any = Object.values(overrides).some((value) => value !== undefined);
  return Object.freeze({
    title: functionOption('title', options.title),
    userId: functionOption('userId', options.userId),
    skip: functionOption('skip', options.skip),
    sampleRate,
    hitOptions: any ? checkHitOverrides(overrides) : undefined,
    trustProxy: options.trustProxy === true,
    random: functionOption('random', options.random) ?? Math.random,
  });
}

/**
 * Health checks are not API usage: a page (route template) that `isHealthCheckRoute` takes for
 * one (the rule lives in core, shared with the collector's inventories), or a request the app
 * marked.
 */
export function isHealthCheck(page: string, marked: boolean): boolean {
  return marked || isHealthCheckRoute(page);
}
