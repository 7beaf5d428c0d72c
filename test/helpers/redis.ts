import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the queue tests use: FOOTFALL_REDIS_URL, else this machine's on 127.0.0.1:6379 (.ci/run starts one). */
export const REDIS_URL = process.env.FOOTFALL_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of the test's own: its queue shares nothing with another test's. */
export function testPrefix(label: string): string {
  return `fftest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Removes every key under `prefix:` (the test's queue, jobs, locks and events). */
export async function removeKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

/** Counts of the queue's jobs by state, read straight from Redis. */
export async function jobCounts(prefix: string, name: string, url = REDIS_URL): Promise<{ wait: number; active: number; delayed: number; failed: number; completed: number }> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const key = (part: string) => `${prefix}:${name}:${part}`;
    const [wait, active, delayed, failed, completed] = await Promise.all([redis.llen(key('wait')), redis.llen(key('active')), redis.zcard(key('delayed')), redis.zcard(key('failed')), redis.zcard(key('completed'))]);
    return { wait, active, delayed, failed, completed };
  } finally {
    redis.disconnect();
  }
}

/** Polls `condition` (which may be async) every 20 ms; fails naming `what` after `timeoutMs` (a bound on a hang, not a speed claim). */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => string | Promise<string>), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
