import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { isFootfallError } from '../../src/errors.js';
import { collector } from '../../src/index.js';
import { checkRedis, compareVersions } from '../../src/queue/connection.js';
import { MAX_HITS_PER_JOB, QUEUE_JOB_VERSION, queue, readQueueJob, startWorker, type QueueOptions, type WorkerOptions } from '../../src/queue/index.js';
import { parseRedisUrl } from '../../src/queue/redis-url.js';
import { TEST_KEY } from '../helpers/context.js';
import { FULL_HIT, MINIMAL_HIT } from '../helpers/hits.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';

// Issue 15: what queue(), startWorker() and a worker's job reader refuse, and how they say it.

/** Asserts `fn` throws a FootfallError with `code`, whose message matches each of `patterns`; returns the message. */
function refuses(fn: () => unknown, code: string, ...patterns: RegExp[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(isFootfallError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught.message;
}

async function rejects(promise: Promise<unknown>, code: string): Promise<string> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(isFootfallError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught.message;
}

const LOCAL = 'redis://127.0.0.1:6379';
const destination = collector('http://127.0.0.1:9');

/** Runs `fn` with FOOTFALL_REDIS_URL set to `value` (or unset), restoring it after. */
function withRedisEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.FOOTFALL_REDIS_URL;
  if (value === undefined) delete process.env.FOOTFALL_REDIS_URL;
  else process.env.FOOTFALL_REDIS_URL = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.FOOTFALL_REDIS_URL;
    else process.env.FOOTFALL_REDIS_URL = saved;
  }
}

describe('queue() options', () => {
  it('refuses unknown keys, naming the closest option', () => {
    refuses(() => queue({ redisUrl: LOCAL, redisURL: LOCAL } as QueueOptions), 'FOOTFALL_ERR_UNKNOWN_OPTION', /redisURL/, /queue\(\)/, /did you mean `redisUrl`/);
    refuses(() => queue({ redisUrl: LOCAL, hitPerJob: 10 } as QueueOptions), 'FOOTFALL_ERR_UNKNOWN_OPTION', /hitPerJob/, /did you mean `hitsPerJob`/);
    refuses(() => queue(null as unknown as QueueOptions), 'FOOTFALL_ERR_INVALID_OPTION');
  });

  it('refuses a redisUrl that is not a redis:// URL with a host and an optional db number', () => {
    for (const bad of [6379, null, {}, '', 'localhost:6379', 'http://127.0.0.1:6379', 'redis://', 'redis:///0', 'redis://127.0.0.1:6379/cache', 'redis://127.0.0.1:6379/123']) {
      refuses(() => queue({ redisUrl: bad as string }), 'FOOTFALL_ERR_INVALID_REDIS_URL', /redis:\/\//);
    }
    refuses(() => queue({ redisUrl: 'redis://127.0.0.1:6379/x' }), 'FOOTFALL_ERR_INVALID_REDIS_URL', /database number/);
  });

  it('never shows the password of a refused URL', () => {
    for (const bad of ['redis://:hunter2@host:6379/x', 'redis://admin:hunter2@host:6379/cache', 'http://:hunter2@host:6379', 'redis://:hunter2@:6379']) {
      const message = refuses(() => queue({ redisUrl: bad }), 'FOOTFALL_ERR_INVALID_REDIS_URL');
      assert.ok(!message.includes('hunter2'), message);
    }
    const message = refuses(() => queue({ redisUrl: 'redis://:hunter2@host:6379/x' }), 'FOOTFALL_ERR_INVALID_REDIS_URL', /\*\*\*@host:6379\/x/);
    assert.ok(!message.includes('hunter2'), message);
  });

  it('accepts redis:// and rediss:// URLs, and labels them without user or password', () => {
    assert.equal(parseRedisUrl('redis://:hunter2@cache.internal:6380/2').label, 'redis://cache.internal:6380/2');
    assert.equal(parseRedisUrl('rediss://user:hunter2@cache.internal').label, 'rediss://cache.internal');
    assert.equal(queue({ redisUrl: 'redis://:hunter2@cache.internal:6380/2' }).endpoint, 'redis://cache.internal:6380/2#bull:footfall');
    assert.equal(queue({ redisUrl: LOCAL, name: 'hits-eu', prefix: 'ff.prod' }).endpoint, 'redis://127.0.0.1:6379#ff.prod:hits-eu');
  });

  it('refuses a name or prefix with a colon (BullMQ joins keys with it), empty or not a string', () => {
    for (const option of ['name', 'prefix'] as const) {
      for (const bad of ['a:b', '', 'x'.repeat(101), 'with space', 42]) {
        refuses(() => queue({ redisUrl: LOCAL, [option]: bad }), 'FOOTFALL_ERR_INVALID_OPTION', new RegExp(`\`${option}\``));
      }
    }
  });

  it('refuses hitsPerJob outside 1..1000', () => {
    for (const bad of [0, -1, 1.5, MAX_HITS_PER_JOB + 1, '10', Number.NaN]) {
      refuses(() => queue({ redisUrl: LOCAL, hitsPerJob: bad as number }), 'FOOTFALL_ERR_INVALID_OPTION', /hitsPerJob/, /1 to 1000/);
    }
    assert.equal(queue({ redisUrl: LOCAL, hitsPerJob: 1 }).hitsPerJob, 1);
    assert.equal(queue({ redisUrl: LOCAL, hitsPerJob: MAX_HITS_PER_JOB }).hitsPerJob, MAX_HITS_PER_JOB);
    assert.equal(queue({ redisUrl: LOCAL }).hitsPerJob, 250);
  });

  it('uses FOOTFALL_REDIS_URL when redisUrl is left out, and an explicit redisUrl before it', () => {
    withRedisEnv('redis://:hunter2@from-env.internal:6390/3', () => {
      assert.equal(queue().endpoint, 'redis://from-env.internal:6390/3#bull:footfall');
      assert.equal(queue({ redisUrl: LOCAL }).endpoint, `${LOCAL}#bull:footfall`);
    });
    withRedisEnv('http://:hunter2@from-env.internal', () => {
      const message = refuses(() => queue(), 'FOOTFALL_ERR_INVALID_REDIS_URL');
      assert.ok(!message.includes('hunter2'), message);
    });
    // An empty variable is an unset one; with neither, there is no Redis to use.
    withRedisEnv('', () => refuses(() => queue(), 'FOOTFALL_ERR_INVALID_REDIS_URL', /got nothing|undefined/));
    withRedisEnv(undefined, () => refuses(() => queue(), 'FOOTFALL_ERR_INVALID_REDIS_URL'));
  });
});

describe('startWorker() options', () => {
  it('refuses unknown keys, naming the closest option, before connecting', async () => {
    const message = await rejects(startWorker({ destination, redisUrl: 'redis://127.0.0.1:1', concurency: 4 } as WorkerOptions), 'FOOTFALL_ERR_UNKNOWN_OPTION');
    assert.match(message, /concurency/);
    assert.match(message, /did you mean `concurrency`/);
    assert.match(await rejects(startWorker({ destination, redisUrl: LOCAL, maxRetryMS: 5 } as WorkerOptions), 'FOOTFALL_ERR_UNKNOWN_OPTION'), /did you mean `maxRetryMs`/);
  });

  it('refuses a bad redisUrl, name, prefix or destination like queue() does, without the password', async () => {
    const message = await rejects(startWorker({ destination, redisUrl: 'redis://:hunter2@host:6379/x' }), 'FOOTFALL_ERR_INVALID_REDIS_URL');
    assert.ok(!message.includes('hunter2'), message);
    await rejects(startWorker({ destination, redisUrl: 'http://127.0.0.1:6379' }), 'FOOTFALL_ERR_INVALID_REDIS_URL');
    await rejects(startWorker({ destination, redisUrl: LOCAL, prefix: 'a:b' }), 'FOOTFALL_ERR_INVALID_OPTION');
    await rejects(startWorker({ destination, redisUrl: LOCAL, name: 'x:y' }), 'FOOTFALL_ERR_INVALID_OPTION');
    await rejects(startWorker({ destination: queue({ redisUrl: LOCAL }) as unknown as WorkerOptions['destination'], redisUrl: LOCAL }), 'FOOTFALL_ERR_INVALID_OPTION');
    await rejects(startWorker({ destination, redisUrl: LOCAL, concurrency: 0 }), 'FOOTFALL_ERR_INVALID_OPTION');
  });

  it('uses FOOTFALL_REDIS_URL when redisUrl is left out', async () => {
    const port = await freePort();
    const message = await withRedisEnv(`redis://:hunter2@127.0.0.1:${port}/1`, () => rejects(startWorker({ destination, connectTimeoutMs: 2_000 }), 'FOOTFALL_ERR_REDIS_UNREACHABLE'));
    assert.ok(message.includes(`redis://127.0.0.1:${port}/1`), message);
    assert.ok(!message.includes('hunter2'), message);
  });

  it('rejects with FOOTFALL_ERR_REDIS_UNREACHABLE when nothing listens, naming the URL without its password', async () => {
    const port = await freePort();
    const started = Date.now();
    const message = await rejects(startWorker({ destination, redisUrl: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 2_000 }), 'FOOTFALL_ERR_REDIS_UNREACHABLE');
    // A bound on a hang (the refusal is immediate; the margin is for a loaded machine), not a speed claim.
    assert.ok(Date.now() - started < 2_000 + 5_000, `${Date.now() - started} ms`);
    assert.ok(message.includes(`redis://127.0.0.1:${port}`), message);
    assert.ok(message.includes('2000 ms'), message);
    assert.ok(!message.includes('hunter2'), message);
  });

  it('rejects within connectTimeoutMs when the server accepts the connection and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const message = await rejects(startWorker({ destination, redisUrl: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 1_500 }), 'FOOTFALL_ERR_REDIS_UNREACHABLE');
      const took = Date.now() - started;
      assert.ok(took >= 1_400, `waited the timeout out: ${took} ms`);
      assert.ok(took < 1_500 + 5_000, `gave up near the timeout: ${took} ms (a hang guard)`);
      assert.ok(!message.includes('hunter2'), message);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('the Redis version check', () => {
  it('compareVersions orders dotted versions numerically', () => {
    assert.equal(compareVersions('5.0.0', '5.0.0'), 0);
    assert.ok(compareVersions('4.0.9', '5.0.0') < 0);
    assert.ok(compareVersions('5.0.1', '5.0.0') > 0);
    assert.ok(compareVersions('10.0.0', '5.0.0') > 0, 'numbers, not strings');
    assert.ok(compareVersions('5.10.0', '5.9.9') > 0);
    assert.ok(compareVersions('6', '5.0.0') > 0);
    assert.equal(compareVersions('5', '5.0.0'), 0);
    assert.ok(compareVersions('7.0.15', '5.0.0') > 0);
  });

  it('accepts this machine\'s Redis', async () => {
    await checkRedis(parseRedisUrl(REDIS_URL), 5_000);
  });

  describe('against a server that says it is Redis 4.0.9 (a real socket speaking RESP)', () => {
    let fake: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    const seen: string[] = [];
    before(async () => {
      fake = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        let buffer = '';
        socket.on('data', (chunk) => {
          buffer += chunk.toString('latin1');
          for (;;) {
            const parsed = readCommand(buffer);
            if (parsed === undefined) break;
            buffer = buffer.slice(parsed.length);
            const command = (parsed.args[0] ?? '').toUpperCase();
            seen.push(command);
            if (command === 'PING') socket.write('+PONG\r\n');
            else if (command === 'INFO') {
              const info = '# Server\r\nredis_version:4.0.9\r\nredis_mode:standalone\r\n\r\n# Persistence\r\nloading:0\r\n';
              socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
            } else socket.write('+OK\r\n');
          }
        });
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      port = (fake.address() as AddressInfo).port;
    });
    after(() => {
      for (const socket of sockets) socket.destroy();
      fake.close();
    });

    it('checkRedis and startWorker refuse it with FOOTFALL_ERR_REDIS_TOO_OLD, naming both versions and not the password', async () => {
      const url = `redis://:hunter2@127.0.0.1:${port}`;
      const message = await rejects(checkRedis(parseRedisUrl(url), 5_000), 'FOOTFALL_ERR_REDIS_TOO_OLD');
      assert.ok(seen.includes('INFO'), `the server was asked: ${seen.join(' ')}`);
      assert.match(message, /4\.0\.9/);
      assert.match(message, /5\.0\.0/);
      assert.ok(message.includes(`redis://127.0.0.1:${port}`), message);
      assert.ok(!message.includes('hunter2'), message);
      const fromWorker = await rejects(startWorker({ destination, redisUrl: url, connectTimeoutMs: 5_000 }), 'FOOTFALL_ERR_REDIS_TOO_OLD');
      assert.ok(!fromWorker.includes('hunter2'), fromWorker);
    });
  });
});

/** One RESP command (an array of bulk strings) from the start of `buffer`, or undefined when incomplete. */
function readCommand(buffer: string): { args: string[]; length: number } | undefined {
  if (!buffer.startsWith('*')) {
    // An inline command: one line.
    const end = buffer.indexOf('\r\n');
    return end < 0 ? undefined : { args: buffer.slice(0, end).split(' '), length: end + 2 };
  }
  let at = buffer.indexOf('\r\n');
  if (at < 0) return undefined;
  const count = Number(buffer.slice(1, at));
  at += 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    const end = buffer.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const size = Number(buffer.slice(at + 1, end));
    if (buffer.length < end + 2 + size + 2) return undefined;
    args.push(buffer.slice(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return { args, length: at };
}

/** A copy of `hit` without `field`. */
function without(hit: object, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(hit).filter(([name]) => name !== field));
}

describe('readQueueJob', () => {
  const job = (hits: unknown[]) => ({ v: QUEUE_JOB_VERSION, hits });
  const problem = (data: unknown): string => {
    const reading = readQueueJob(data);
    assert.equal(reading.ok, false, `refused: ${JSON.stringify(data)?.slice(0, 200)}`);
    return reading.ok ? '' : reading.problem;
  };

  it('reads a good job', () => {
    const reading = readQueueJob(job([FULL_HIT, MINIMAL_HIT, { ...MINIMAL_HIT, params: { plan: 'pro', seats: 3, trial: false } }]));
    assert.ok(reading.ok);
    assert.equal(reading.hits.length, 3);
    assert.ok(readQueueJob(job(Array.from({ length: MAX_HITS_PER_JOB }, () => MINIMAL_HIT))).ok);
  });

  it('refuses data that is not a job object, or of another version', () => {
    assert.match(problem(null), /must be an object .*got null/);
    assert.match(problem([FULL_HIT]), /got an array/);
    assert.match(problem('hits'), /got "hits"/);
    assert.match(problem({ hits: [FULL_HIT] }), /version must be 1, got nothing/);
    assert.match(problem({ v: 2, hits: [FULL_HIT] }), /version must be 1, got 2.*upgrade them together/);
    assert.match(problem({ v: '1', hits: [FULL_HIT] }), /version must be 1, got "1"/);
  });

  it('refuses hits that are not an array of 1 to 1000', () => {
    assert.match(problem({ v: 1 }), /`hits` must be an array of 1 to 1000 hits, got nothing/);
    assert.match(problem({ v: 1, hits: {} }), /got an object/);
    assert.match(problem(job([])), /got 0 hits/);
    assert.match(problem(job(Array.from({ length: MAX_HITS_PER_JOB + 1 }, () => MINIMAL_HIT))), /got 1001 hits/);
  });

  it('names each missing or wrongly typed field, and the hit it is in', () => {
    const strings = ['hitId', 'clientId', 'method', 'route', 'protocol', 'host', 'path', 'location', 'title'] as const;
    const numbers = ['sessionId', 'timestampMs', 'status', 'durationMs'] as const;
    for (const field of strings) {
      const missing = without(FULL_HIT, field);
      assert.match(problem(job([FULL_HIT, missing])), new RegExp(`hits\\[1\\]: \`${field}\` must be a non-empty string, got nothing`));
      assert.match(problem(job([{ ...FULL_HIT, [field]: 7 }])), new RegExp(`hits\\[0\\]: \`${field}\` must be a non-empty string, got 7`));
      assert.match(problem(job([{ ...FULL_HIT, [field]: '' }])), new RegExp(`\`${field}\` must be a non-empty string, got ""`));
    }
    for (const field of numbers) {
      const missing = without(FULL_HIT, field);
      assert.match(problem(job([missing])), new RegExp(`hits\\[0\\]: \`${field}\` must be a finite number, got nothing`));
      assert.match(problem(job([{ ...FULL_HIT, [field]: '12' }])), new RegExp(`\`${field}\` must be a finite number, got "12"`));
      assert.match(problem(job([{ ...FULL_HIT, [field]: null }])), new RegExp(`\`${field}\` must be a finite number, got null`));
    }
    for (const field of ['userId', 'referrer', 'userAgent']) {
      assert.match(problem(job([{ ...FULL_HIT, [field]: 5 }])), new RegExp(`\`${field}\` must be a string when present, got 5`));
    }
    assert.match(problem(job([MINIMAL_HIT, 'a hit'])), /hits\[1\]: must be an object, got "a hit"/);
    assert.match(problem(job([null])), /hits\[0\]: must be an object, got null/);
  });

  it('refuses params that are not an object of strings, numbers and booleans', () => {
    assert.match(problem(job([{ ...FULL_HIT, params: 'plan=pro' }])), /`params` must be an object when present, got "plan=pro"/);
    assert.match(problem(job([{ ...FULL_HIT, params: ['pro'] }])), /`params` must be an object when present, got an array/);
    assert.match(problem(job([{ ...FULL_HIT, params: { plan: 'pro', nested: { a: 1 } } }])), /`params\.nested` must be a string, number or boolean, got an object/);
    assert.match(problem(job([{ ...FULL_HIT, params: { gone: null } }])), /`params\.gone` must be a string, number or boolean, got null/);
  });
});

describe('a worker given a job that is not a Footfall job', () => {
  const prefix = testPrefix('garbage');
  let server: Collector;
  before(async () => {
    server = await startCollector({ port: 0, memory: true, output: 'none' });
  });
  after(async () => {
    await server.close();
    await removeKeys(prefix);
  });

  it('moves it to the failed set with the reason, and delivers the good jobs beside it', async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const raw = new Queue('footfall', { connection, prefix });
    const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob: 5 }), hashKey: TEST_KEY, flushOnExit: false });
    const worker = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(server.url), concurrency: 4 });
    try {
      const bad = await raw.addBulk([
        { name: 'hits', data: { v: 1, hits: [{ ...FULL_HIT, status: 'ok' }] }, opts: { attempts: 5 } },
        { name: 'hits', data: { hello: 'world' }, opts: { attempts: 5 } },
        { name: 'hits', data: { v: 99, hits: [] }, opts: { attempts: 5 } },
      ]);
      const good = 40;
      for (let i = 0; i < good; i++) tracker.track({ method: 'GET', url: `/v1/items/${i}`, route: '/v1/items/:id', status: 200, durationMs: 3, headers: { host: 'api.example.com' } });
      await tracker.flush();
      assert.equal(tracker.stats().sent, good);
      await until(async () => await server.store.count() >= good, async () => `${good} hits stored (${await server.store.count()})`);
      await until(async () => (await jobCounts(prefix, 'footfall')).failed >= bad.length, 'the bad jobs in the failed set');
      assert.equal(await server.store.count(), good);
      const failed = await raw.getFailed();
      assert.deepEqual(failed.map((j) => j.id).sort(), bad.map((j) => j.id).sort());
      for (const j of failed) {
        assert.match(j.failedReason, /^not a Footfall job: /);
        assert.equal(j.attemptsMade, 1, 'refused at once, not tried again');
      }
      const reasons = new Map(failed.map((j) => [j.id, j.failedReason]));
      assert.match(reasons.get(bad[0]?.id) ?? '', /hits\[0\]: `status` must be a finite number, got "ok"/);
      assert.match(reasons.get(bad[1]?.id) ?? '', /version must be 1, got nothing/);
      assert.match(reasons.get(bad[2]?.id) ?? '', /version must be 1, got 99/);
      await until(async () => { const c = await jobCounts(prefix, 'footfall'); return c.wait + c.active + c.delayed === 0; }, 'the queue to empty');
      assert.equal(worker.stats().hits.delivered, good);
    } finally {
      await worker.close();
      await tracker.close();
      await raw.close();
      connection.disconnect();
    }
  });
});
