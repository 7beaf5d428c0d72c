import { isHealthCheckRoute } from '../../core/health-check.js';
import { FootfallError, describeValue } from '../../errors.js';
import { checkHitOverrides, type HitOverrides } from '../../hit-options.js';
import { functionOption, optionKeys, rateOption, refuseUnknownKeys } from '../../option-checks.js';
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
  readonly random: () => number;
}

const ADAPTER_KEYS = optionKeys<AdapterOptions<unknown>>({ title: true, userId: true, skip: true, sampleRate: true, query: true, canonicalHost: true, trustProxy: true, random: true });

/** Which adapter takes the options, for messages, and the options of its own (node:http's `routes`). */
export interface AdapterIdentity {
  readonly name: string;
  readonly ownKeys?: readonly string[];
}

export function resolveAdapterOptions<Req>(options: AdapterOptions<Req> = {}, adapter: AdapterIdentity = { name: 'trackRequests' }): ResolvedAdapterOptions<Req> {
  if (options === null || typeof options !== 'object') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  }
  refuseUnknownKeys(options, adapter.ownKeys === undefined ? ADAPTER_KEYS : new Set([...ADAPTER_KEYS, ...adapter.ownKeys]), adapter.name);
  const sampleRate = rateOption('sampleRate', options.sampleRate, 1);
  const overrides = { query: options.query, canonicalHost: options.canonicalHost, trustProxy: options.trustProxy };
  const any = Object.values(overrides).some((value) => value !== undefined);
  return Object.freeze({
    title: functionOption('title', options.title),
    userId: functionOption('userId', options.userId),
    skip: functionOption('skip', options.skip),
    sampleRate,
    hitOptions: any ? checkHitOverrides(overrides) : undefined,
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
