import { Redis, type RedisOptions } from 'ioredis';
import { FootfallError } from '../errors.js';
import type { RedisTarget } from './redis-url.js';

/** BullMQ's own floor (RedisConnection.minimumVersion). */
export const MIN_REDIS_VERSION = '5.0.0';

/** Reconnects forever, quickly at first, at most every 2 s. */
const reconnect = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2_000);

/**
 * A connection for a web process: a command fails at once while Redis is away (no offline
 * queue, so nothing piles up in memory behind the tracker's own bounds) and the tracker's
 * retries take over; it reconnects on its own.
 */
export function producerConnection(target: RedisTarget): Redis {
  const redis = quiet(new Redis(target.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: reconnect, connectionName: 'footfall-producer' }));
  // Analytics never keeps the host process alive: neither the socket nor the reconnect timer.
  redis.on('connect', () => (redis.stream as { unref?: () => void } | undefined)?.unref?.());
  redis.on('reconnecting', () => queueMicrotask(() => (redis as unknown as { reconnectTimeout?: NodeJS.Timeout | null }).reconnectTimeout?.unref()));
  return redis;
}

/** A worker's connection: BullMQ's blocking reads need `maxRetriesPerRequest: null`. */
export function workerConnection(target: RedisTarget, options: RedisOptions = {}): Redis {
  return quiet(new Redis(target.url, { maxRetriesPerRequest: null, retryStrategy: reconnect, connectionName: 'footfall-worker', ...options }));
}

/** ioredis prints "Unhandled error event" without a listener; outages are counted and warned about elsewhere. */
function quiet(redis: Redis): Redis {
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Connects once, answers PING and is new enough, within `timeoutMs`; throws
 * FOOTFALL_ERR_REDIS_UNREACHABLE or FOOTFALL_ERR_REDIS_TOO_OLD naming the URL without its password.
 */
export async function checkRedis(target: RedisTarget, timeoutMs: number): Promise<void> {
  const redis = quiet(new Redis(target.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs }));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    const version = await Promise.race([readVersion(redis), deadline]);
    if (compareVersions(version, MIN_REDIS_VERSION) < 0) throw new FootfallError('FOOTFALL_ERR_REDIS_TOO_OLD', target.label, version, MIN_REDIS_VERSION);
  } catch (error) {
    if (error instanceof FootfallError) throw error;
    throw new FootfallError('FOOTFALL_ERR_REDIS_UNREACHABLE', target.label, String(timeoutMs), causeOf(error, target.url));
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

async function readVersion(redis: Redis): Promise<string> {
  await redis.connect();
  await redis.ping();
  const info = await redis.info('server');
  return /^redis_version:([\d.]+)/m.exec(info)?.[1] ?? '0.0.0';
}

/** The cause in a few words, without the URL (which may hold a password). */
function causeOf(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // The error table's message ends the sentence: "Connection is closed." would end in "..".
  return message.split(url).join('<url>').slice(0, 200).replace(/[.\s]+$/, '');
}

export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
