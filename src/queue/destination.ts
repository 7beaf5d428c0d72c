import type { QueueDestination } from '../delivery/queue-destination.js';
import { FootfallError, describeValue } from '../errors.js';
import { readFootfallEnv } from '../internal/footfall-env.js';
import { boundedIntegerOption, optionKeys, refuseUnknownKeys } from '../option-checks.js';
import { MAX_HITS_PER_JOB } from '../protocols/queue/job.js';
import { DEFAULT_HITS_PER_JOB, DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, QUEUE_NAME, QUEUE_NAME_EXPECTED } from './defaults.js';
import { createRedisTransport } from './redis-transport.js';
import { parseRedisUrl } from './redis-url.js';

export interface QueueOptions {
  /** The Redis server, `redis://[:password@]host:port[/db]` or `rediss://`. @default FOOTFALL_REDIS_URL */
  redisUrl?: string | undefined;
  /** The BullMQ queue's name; web processes and workers must agree on it. @default 'footfall' */
  name?: string | undefined;
  /** The Redis key prefix of the queue (BullMQ's `prefix`). @default 'bull' */
  prefix?: string | undefined;
  /** Hits in one queue job. @default 250 */
  hitsPerJob?: number | undefined;
}


const KEYS = optionKeys<QueueOptions>({ redisUrl: true, name: true, prefix: true, hitsPerJob: true });

/**
 * A destination for createTracker: hits go to a Redis queue (BullMQ), one job per batch of
 * hits, at least every 100 ms; `footfall worker` processes deliver them to GA4 or a collector.
 * Privacy rules are applied before a hit leaves the process: no IP, no query value, no raw id
 * reaches Redis. Never connects or throws at track time; Redis outages are retried and counted.
 */
export function queue(options: QueueOptions = {}): QueueDestination {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object like { redisUrl: "redis://127.0.0.1:6379" }', describeValue(options));
  refuseUnknownKeys(options, KEYS, 'queue()');
  const resolved = resolveQueueOptions(options);
  const { target, name, prefix } = resolved;
  return Object.freeze({
    kind: 'queue' as const,
    endpoint: `${target.label}#${prefix}:${name}`,
    customEndpoint: true as const,
    name,
    prefix,
    hitsPerJob: resolved.hitsPerJob,
    createTransport: ({ clock }) => createRedisTransport({ target, name, prefix, clock }),
  } satisfies QueueDestination);
}

/** The options a web process and a worker share, checked alike. */
export function resolveQueueOptions(options: QueueOptions) {
  const target = parseRedisUrl(options.redisUrl ?? readFootfallEnv().redisUrl);
  return {
    target,
    name: queueName('name', options.name, DEFAULT_QUEUE_NAME),
    prefix: queueName('prefix', options.prefix, DEFAULT_PREFIX),
    hitsPerJob: boundedIntegerOption('hitsPerJob', options.hitsPerJob, DEFAULT_HITS_PER_JOB, 1, MAX_HITS_PER_JOB),
  };
}


function queueName(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !QUEUE_NAME.test(value)) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', option, QUEUE_NAME_EXPECTED, describeValue(value));
  return value;
}
