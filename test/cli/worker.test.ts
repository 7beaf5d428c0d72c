import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { queue } from '../../src/queue/index.js';
import { cliWith } from '../helpers/cli.js';
import { runFootfall, startFootfall, type RunningFootfall } from '../helpers/cli-process.js';
import { TEST_KEY } from '../helpers/context.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';
import { startHangingServer } from '../helpers/hanging-server.js';

// `footfall worker` (issue 15) as real processes, on a real Redis and real collectors.

/** Puts `count` hits in the queue `prefix:footfall`, `hitsPerJob` to a job, the way a web process does. */
async function putHits(prefix: string, count: number, hitsPerJob = 10, label = 'w'): Promise<void> {
  const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob }), hashKey: TEST_KEY, flushOnExit: false });
  try {
    for (let i = 0; i < count; i++) {
      tracker.track({ method: 'GET', url: `/v1/items/${i}`, route: '/v1/items/:id', status: 200, durationMs: 3, userId: `${label}-user-${i % 7}`, headers: { host: 'api.example.com' } });
    }
    await tracker.flush();
    assert.equal(tracker.stats().sent, count, `all ${count} hits in Redis: ${JSON.stringify(tracker.stats())}`);
  } finally {
    await tracker.close();
  }
  const counts = await jobCounts(prefix, 'footfall');
  assert.equal(counts.wait, Math.ceil(count / hitsPerJob), `jobs waiting: ${JSON.stringify(counts)}`);
}

/** Waits for the worker's start line (it is consuming), or fails with what it printed. */
async function started(worker: RunningFootfall): Promise<void> {
  let exited = false;
  void worker.exited.then(() => (exited = true));
  await until(() => exited || /consuming the queue/.test(worker.stdout()), () => `the worker's start line; stdout: ${worker.stdout()} stderr: ${worker.stderr()}`, 60_000);
  assert.equal(exited, false, `the worker exited early: ${worker.stderr()}`);
}

/** Sends SIGTERM (or `signal`) and waits for the exit, bounding a hang (not a speed claim). */
async function stop(worker: RunningFootfall, boundMs = 60_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  worker.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      worker.child.kill('SIGKILL');
      reject(new Error(`the worker did not exit within ${boundMs} ms of SIGTERM; stdout: ${worker.stdout()} stderr: ${worker.stderr()}`));
    }, boundMs);
  });
  try {
    return await Promise.race([worker.exited, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The summary line printed on stop (the last of its kind: --stats-interval-ms prints the same line on the way). */
function summary(stdout: string): string {
  const line = stdout.split('\n').findLast((text) => /^footfall worker: \d+ hits delivered/.test(text));
  assert.ok(line !== undefined, `a summary line in: ${stdout}`);
  return line;
}


/** A TCP server speaking just enough RESP to pass for a Redis of `version`. */
async function startFakeRedis(version: string): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      // Each command is an array of bulk strings: *N, then $len and the text for each part.
      for (;;) {
        const lines = pending.split('\r\n');
        const count = Number(lines[0]?.slice(1));
        if (!lines[0]?.startsWith('*') || lines.length < 1 + 2 * count + 1) return;
        const command = (lines[2] ?? '').toUpperCase();
        pending = lines.slice(1 + 2 * count).join('\r\n');
        if (command === 'PING') socket.write('+PONG\r\n');
        else if (command === 'INFO') {
          const info = `# Server\r\nredis_version:${version}\r\nloading:0\r\n`;
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        } else socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('footfall worker: delivery and stop (real processes)', () => {
  const prefixes: string[] = [];
  const workers: RunningFootfall[] = [];
  const collectors: Collector[] = [];
  after(async () => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await Promise.all(collectors.map((server) => server.close()));
    for (const prefix of prefixes) await removeKeys(prefix);
  });
  const track = <T extends RunningFootfall>(worker: T): T => (workers.push(worker), worker);

  it('delivers every hit of the queue to a collector, and on SIGTERM exits 0 with a one-line summary', async () => {
    const prefix = testPrefix('cli-e2e');
    prefixes.push(prefix);
    const hits = 60;
    await putHits(prefix, hits);
    const server = await startCollector({ port: 0, memory: true, output: 'none' });
    collectors.push(server);
    const worker = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', server.url, '--concurrency', '4']));
    await started(worker);
    assert.match(worker.stdout(), new RegExp(`consuming the queue ${prefix}:footfall at redis://127\\.0\\.0\\.1:6379, delivering to ${server.url}/mp/batch \\(a Footfall collector\\)`));
    await until(async () => await server.store.count() >= hits, async () => `${hits} hits stored (${await server.store.count()} so far)`);
    await until(async () => (await jobCounts(prefix, 'footfall')).active === 0, 'the last job to be acknowledged');
    const exit = await stop(worker);
    assert.deepEqual(exit, { code: 0, signal: null }, worker.stderr());
    assert.equal(await server.store.count(), hits);
    assert.equal(server.stats().duplicateHits, 0);
    const line = summary(worker.stdout());
    assert.match(line, new RegExp(`^footfall worker: ${hits} hits delivered, 0 failed for good, 0 sent back for a later try; jobs: 6 completed, 0 failed, 0 retried, 0 handed back at stop$`));
    assert.equal(worker.stderr(), '');
    assert.deepEqual(await jobCounts(prefix, 'footfall'), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
  });

  it('--tracking-id with --to delivers as Universal Analytics v1 to the collector\'s /batch', async () => {
    const prefix = testPrefix('cli-ua');
    prefixes.push(prefix);
    const hits = 20;
    await putHits(prefix, hits);
    const server = await startCollector({ port: 0, memory: true, output: 'none' });
    collectors.push(server);
    const worker = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', server.url, '--tracking-id', 'UA-12345-1']));
    await started(worker);
    assert.match(worker.stdout(), new RegExp(`delivering to ${server.url}/collect \\(Universal Analytics, UA-12345-1\\)`));
    await until(async () => await server.store.count() >= hits, async () => `${hits} hits stored (${await server.store.count()} so far)`);
    await until(async () => (await jobCounts(prefix, 'footfall')).active === 0, 'the last job to be acknowledged');
    assert.deepEqual(await stop(worker), { code: 0, signal: null }, worker.stderr());
    assert.equal(await server.store.count(), hits);
    assert.match(summary(worker.stdout()), /^footfall worker: 20 hits delivered, 0 failed for good/);
  });

  it('SIGTERM while the destination hangs: exits within --close-timeout-ms (bounded generously), the held jobs are back in the queue, and a later worker delivers them all', async () => {
    const prefix = testPrefix('cli-hang');
    prefixes.push(prefix);
    const hits = 50;
    const jobs = 5;
    await putHits(prefix, hits);
    const hole = await startHangingServer();
    try {
      const worker = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', hole.url, '--close-timeout-ms', '1000', '--stats-interval-ms', '100']));
      await started(worker);
      await until(async () => hole.received() > 0 && (await jobCounts(prefix, 'footfall')).active === jobs, 'the worker to hold every job, its hits sent to the hanging destination');
      await until(() => /^footfall worker: 0 hits delivered, 0 failed for good, 0 sent back for a later try; jobs: 0 completed/m.test(worker.stdout()), () => `a progress line (--stats-interval-ms); stdout: ${worker.stdout()}`);
      // The destination never answers: only the close deadline (1 s) lets the worker go. The
      // bound here catches a hang (a worker that waits for the answer), not a speed.
      const exit = await stop(worker, 30_000);
      assert.deepEqual(exit, { code: 0, signal: null }, worker.stderr());
      assert.match(summary(worker.stdout()), /^footfall worker: 0 hits delivered, 0 failed for good, 50 sent back for a later try; jobs: 0 completed, 0 failed, 0 retried, 5 handed back at stop$/);
    } finally {
      await hole.close();
    }
    const counts = await jobCounts(prefix, 'footfall');
    assert.equal(counts.wait + counts.delayed, jobs, `every job back in the queue: ${JSON.stringify(counts)}`);
    assert.equal(counts.active + counts.failed, 0, JSON.stringify(counts));

    const server = await startCollector({ port: 0, memory: true, output: 'none' });
    collectors.push(server);
    const later = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', server.url]));
    await started(later);
    await until(async () => await server.store.count() >= hits, async () => `${hits} hits stored by the later worker (${await server.store.count()} so far)`);
    await until(async () => (await jobCounts(prefix, 'footfall')).active === 0, 'the last job to be acknowledged');
    assert.deepEqual(await stop(later), { code: 0, signal: null }, later.stderr());
    assert.equal(await server.store.count(), hits, 'nothing lost');
    assert.equal(server.stats().duplicateHits, 0);
    assert.match(summary(later.stdout()), /^footfall worker: 50 hits delivered/);
  });

  it('a second signal ends it at once, while the first waits on a long close deadline', async () => {
    const prefix = testPrefix('cli-twice');
    prefixes.push(prefix);
    await putHits(prefix, 10);
    const hole = await startHangingServer();
    try {
      const worker = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', hole.url, '--close-timeout-ms', '600000']));
      await started(worker);
      await until(() => hole.received() > 0, 'a request to the hanging destination');
      worker.child.kill('SIGTERM');
      await until(() => /stopping/.test(worker.stdout()), () => `the stopping line; stdout: ${worker.stdout()}`);
      const exit = await stop(worker, 30_000);
      assert.deepEqual(exit, { code: null, signal: 'SIGTERM' }, 'the second signal ended it the usual way');
      assert.doesNotMatch(worker.stdout(), /hits delivered/);
    } finally {
      await hole.close();
    }
  });

  it('--retry-failed puts the failed set back (FOOTFALL_REDIS_URL for the server): hits refused for good (403, wrong --api-secret) are delivered by a worker with the right one', async () => {
    const prefix = testPrefix('cli-failed');
    prefixes.push(prefix);
    const hits = 30;
    const jobs = 3;
    await putHits(prefix, hits);
    const server = await startCollector({ port: 0, memory: true, output: 'none', apiSecret: 'right-secret' });
    collectors.push(server);
    const wrong = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', server.url, '--api-secret', 'wrong-secret-x9']));
    await started(wrong);
    let seen = '';
    await until(async () => {
      const counts = await jobCounts(prefix, 'footfall');
      seen = JSON.stringify(counts);
      return counts.failed === jobs;
    }, () => `${jobs} failed jobs (${seen}); stderr: ${wrong.stderr()}`);
    assert.deepEqual(await stop(wrong), { code: 0, signal: null }, wrong.stderr());
    assert.match(summary(wrong.stdout()), /^footfall worker: 0 hits delivered, 30 failed for good, 0 sent back for a later try; jobs: 0 completed, 3 failed/);
    assert.equal(await server.store.count(), 0);
    assert.ok(!`${wrong.stdout()}${wrong.stderr()}`.includes('wrong-secret-x9'), 'the API secret is never printed');

    const retried = await runFootfall(['worker', '--retry-failed', '--prefix', prefix], { env: { FOOTFALL_REDIS_URL: REDIS_URL }, timeoutMs: 60_000 });
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal(retried.stdout, `footfall worker: 3 failed jobs put back in the queue ${prefix}:footfall at redis://127.0.0.1:6379\n`);
    const counts = await jobCounts(prefix, 'footfall');
    assert.equal(counts.wait + counts.delayed, jobs, JSON.stringify(counts));
    assert.equal(counts.failed, 0);

    const right = track(startFootfall(['worker', '--redis', REDIS_URL, '--prefix', prefix, '--to', server.url, '--api-secret', 'right-secret']));
    await started(right);
    await until(async () => await server.store.count() >= hits, async () => `${hits} hits stored (${await server.store.count()} so far)`);
    await until(async () => (await jobCounts(prefix, 'footfall')).active === 0, 'the last job to be acknowledged');
    assert.deepEqual(await stop(right, 60_000, 'SIGINT'), { code: 0, signal: null }, `Ctrl-C stops it alike; ${right.stderr()}`);
    assert.match(summary(right.stdout()), /^footfall worker: 30 hits delivered, 0 failed for good/);
    assert.equal(await server.store.count(), hits);
    assert.deepEqual(await jobCounts(prefix, 'footfall'), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
  });
});

describe('footfall worker: configuration errors', () => {
  it('a bad --redis URL is a usage error (exit 2) naming the flag, and never echoes the password (a real process)', async () => {
    const result = await runFootfall(['worker', '--redis', 'redis://:hunter2@', '--to', 'http://127.0.0.1:8787'], { timeoutMs: 60_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /error: --redis must be a redis:\/\/ or rediss:\/\/ URL like "redis:\/\/127\.0\.0\.1:6379", got "redis:\/\/\*\*\*@"/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('hunter2'), result.stderr);
    const scheme = await cliWith({}, 'worker', '--redis', 'http://user:hunter2@127.0.0.1:6379', '--to', 'http://127.0.0.1:8787');
    assert.equal(scheme.code, 2);
    assert.match(scheme.stderr, /--redis must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.ok(!scheme.stderr.includes('hunter2'), scheme.stderr);
  });

  it('a bad FOOTFALL_REDIS_URL is named as the variable; a missing one asks for --redis', async () => {
    const bad = await cliWith({ env: { FOOTFALL_REDIS_URL: 'localhost:6379' } }, 'worker', '--to', 'http://127.0.0.1:8787');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error: FOOTFALL_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    const missing = await cliWith({}, 'worker', '--to', 'http://127.0.0.1:8787');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: missing --redis URL \(or FOOTFALL_REDIS_URL\)/);
  });

  it('an unreachable Redis: exit 1 and a clear message without a stack or the password (a real process)', async () => {
    const port = await freePort();
    const result = await runFootfall(['worker', '--redis', `redis://:hunter2@127.0.0.1:${port}`, '--to', 'http://127.0.0.1:8787', '--connect-timeout-ms', '2000'], { timeoutMs: 60_000 });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^footfall: Redis at redis://127\\.0\\.0\\.1:${port} did not answer within 2000 ms: [^\\n]*[^.]\\. Check that Redis runs`));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack');
    assert.ok(!result.stderr.includes('hunter2'), result.stderr);
    assert.equal(result.stdout, '');
  });

  it('a Redis too old for BullMQ: exit 1 naming its version and the one needed (a real process, a fake Redis 4.0)', async () => {
    const fake = await startFakeRedis('4.0.14');
    try {
      const result = await runFootfall(['worker', '--redis', `redis://:hunter2@127.0.0.1:${fake.port}`, '--to', 'http://127.0.0.1:8787'], { timeoutMs: 60_000 });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^footfall: Redis at redis://127\\.0\\.0\\.1:${fake.port} is version 4\\.0\\.14; BullMQ, which carries Footfall's queue, needs Redis 5\\.0\\.0 or newer\\.`));
      assert.ok(!result.stderr.includes('hunter2'), result.stderr);
    } finally {
      await fake.close();
    }
  });

  it('a missing or half destination is a usage error naming what is missing', async () => {
    const env = { FOOTFALL_REDIS_URL: REDIS_URL };
    const none = await cliWith({ env }, 'worker');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /error: missing a destination: --to URL \(a Footfall collector\), or --measurement-id and --api-secret/);
    const noSecret = await cliWith({ env }, 'worker', '--measurement-id', 'G-ABC1234');
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /error: missing --api-secret/);
    const badId = await cliWith({ env }, 'worker', '--measurement-id', 'UA-1-1', '--api-secret', 'hunter2');
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /--measurement-id must be a GA4 measurement id/);
    assert.ok(!badId.stderr.includes('hunter2'));
    const uaAlone = await cliWith({ env }, 'worker', '--tracking-id', 'UA-12345-1');
    assert.equal(uaAlone.code, 2);
    assert.match(uaAlone.stderr, /--tracking-id \(Universal Analytics\) needs --to URL/);
    const badTo = await cliWith({ env }, 'worker', '--to', 'ftp://x?api_secret=hunter2');
    assert.equal(badTo.code, 2);
    assert.match(badTo.stderr, /--to must be an absolute http:\/\/ or https:\/\/ URL/);
    assert.ok(!badTo.stderr.includes('hunter2'), badTo.stderr);
    const badPrefix = await cliWith({ env }, 'worker', '--to', 'http://127.0.0.1:8787', '--prefix', 'a:b');
    assert.equal(badPrefix.code, 2);
    assert.match(badPrefix.stderr, /--prefix <prefix>' argument 'a:b' is invalid/);
    const badConcurrency = await cliWith({ env }, 'worker', '--to', 'http://127.0.0.1:8787', '--concurrency', '0');
    assert.equal(badConcurrency.code, 2);
    assert.match(badConcurrency.stderr, /--concurrency <n>' argument '0' is invalid/);
  });

  it('other commands run without bullmq installed; the worker then says what to install (exit 1)', async () => {
    const nodeArgs = ['--import', './test/cli/fixtures/no-bullmq.mjs'];
    const send = await runFootfall(['send', '--dry-run', '--route', '/v1/items/:id'], { nodeArgs, timeoutMs: 60_000 });
    assert.equal(send.code, 0, send.stderr);
    assert.doesNotMatch(send.stderr, /bullmq|ioredis/);
    const help = await runFootfall(['worker', '--help'], { nodeArgs, timeoutMs: 60_000 });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--retry-failed/);
    const worker = await runFootfall(['worker', '--redis', REDIS_URL, '--to', 'http://127.0.0.1:8787'], { nodeArgs, timeoutMs: 60_000 });
    assert.equal(worker.code, 1);
    assert.match(worker.stderr, /^footfall: footfall worker needs bullmq and ioredis, optional peer dependencies of Footfall: npm install bullmq ioredis\n$/);
  });
});
