// bench/queue: queue mode (issue 15) — how fast one web process hands hits to Redis with
// `queue()`, side by side with the same hits sent over HTTP with `collector(url)`; and how fast
// `startWorker` empties the queue, one worker and two (each in its own process), to a sink that
// answers 204 at once (the worker's own speed) and to Footfall's collector (SQLite in memory).
// Run: `npm run bench:queue` (writes docs/benchmarks.md). Needs Redis: FOOTFALL_REDIS_URL, else
// 127.0.0.1:6379. Every key it makes is under its own prefix and removed at the end.
// BENCH_QUEUE_HITS (200 000), BENCH_QUEUE_ROUNDS (3); BENCH_QUEUE_HITS_PER_JOB and
// BENCH_QUEUE_CONCURRENCY try other settings than queue()'s and startWorker()'s defaults.
// BENCH_QUEUE_PARTS=enqueue measures the enqueue alone and writes nothing (for profiling:
// `node --cpu-prof --import tsx bench/queue.ts`); with it, BENCH_QUEUE_COMPARE_HITS_PER_JOB=<n>
// also enqueues with that hitsPerJob, alternating, for a ratio from one run.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadFootfall, loadQueue } from './built.js';
import { connectChild } from './child-ipc.js';
import { median } from './measure.js';
import { machine, writeSection } from './report.js';

const REDIS_URL = process.env.FOOTFALL_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HITS = Number(process.env.BENCH_QUEUE_HITS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);
const ENQUEUE_ONLY = process.env.BENCH_QUEUE_PARTS === 'enqueue';
const optional = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const HITS_PER_JOB = optional('BENCH_QUEUE_HITS_PER_JOB');
const CONCURRENCY = optional('BENCH_QUEUE_CONCURRENCY');
const COMPARE_HITS_PER_JOB = ENQUEUE_ONLY ? optional('BENCH_QUEUE_COMPARE_HITS_PER_JOB') : undefined;
/** Hits tracked (and flushed) before the clock starts: the Redis connection or the HTTP pool is up by then. */
const WARM = 1_000;
const CONSUMERS = 256;
const ROUTES = [['/v1/users/', '/v1/users/:id'], ['/v1/orders/', '/v1/orders/:id'], ['/v1/items/', '/v1/items/:id'], ['/v1/items/', '/v1/items/:id/reviews']] as const;
const prefix = `ffbench-queue-${randomBytes(4).toString('hex')}`;
const NAME = 'footfall';

const { createTracker, collector } = await loadFootfall();
const { queue, DEFAULT_HITS_PER_JOB } = await loadQueue();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const turn = () => new Promise((done) => setImmediate(done));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Child { ask: <T>(message: string) => Promise<T>; url: string; stop: () => void }
async function startChild(file: string, args: string[] = []): Promise<Child> {
  const child: ChildProcess = fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const { url, ask } = await connectChild(child);
  return { url, ask, stop: () => void child.kill() };
}

/** Removes every key under `prefix:` (the bench's queue, its jobs, locks and events). */
async function removeKeys(): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.del(...keys);
  } while (cursor !== '0');
  return removed;
}

/** Redis's own CPU so far (user + system, µs): the whole server, which other work on the machine may share. */
async function redisCpuUs(): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
}

async function jobsLeft(): Promise<number> {
  const key = (part: string) => `${prefix}:${NAME}:${part}`;
  const [wait, active, delayed, prioritized, failed] = await Promise.all([redis.llen(key('wait')), redis.llen(key('active')), redis.zcard(key('delayed')), redis.zcard(key('prioritized')), redis.zcard(key('failed'))]);
  return wait + active + delayed + prioritized + failed;
}

interface Enqueued { perSecond: number; cpuUsPerHit: number; redisUsPerHit: number }

/**
 * One web process's tracker takes `hits` realistic hits (four routes, 256 consumers, what the
 * node:http adapter hands over) as fast as the loop can call track(), the event loop turning
 * every 100 hits and a flush every 5 000 (as bench/delivery); timed until every hit is sent.
 */
async function enqueue(to: 'queue' | 'http', hits: number, sinkUrl: string, hitsPerJob = HITS_PER_JOB): Promise<Enqueued> {
  const tracker = createTracker({
    destination: to === 'queue' ? queue({ redisUrl: REDIS_URL, prefix, name: NAME, hitsPerJob }) : collector(sinkUrl),
    hashKey: 'bench-key-0123456789abcdef',
    maxQueueSize: 50_000,
    flushOnExit: false,
  });
  const track = (i: number) => {
    const [path, route] = ROUTES[i % ROUTES.length] as (typeof ROUTES)[number];
    tracker.track({
      method: 'GET', url: `${path}${i % 5_000}${route.endsWith('reviews') ? '/reviews' : ''}?fields=name`, route, status: i % 50 === 0 ? 404 : 200, durationMs: 0.3 + (i % 7) / 10, protocol: 'http', clientIp: '127.0.0.1',
      userId: `consumer-${i % CONSUMERS}`,
      headers: { host: 'api.example.com', userAgent: 'bench/1.0', referrer: undefined, forwardedHost: undefined, forwardedProto: undefined, forwardedFor: undefined },
    });
  };
  for (let i = 0; i < WARM; i++) track(i);
  await tracker.flush();
  const redisBefore = await redisCpuUs();
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < hits; i++) {
    track(i);
    if (i % 100 === 99) await turn();
    if (i % 5_000 === 4_999) await tracker.flush();
  }
  await tracker.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const redisUs = (await redisCpuUs()) - redisBefore;
  const stats = tracker.stats();
  await tracker.close();
  if (stats.sent !== hits + WARM) throw new Error(`${to}: sent ${stats.sent} of ${hits + WARM}: ${JSON.stringify(stats)}`);
  return { perSecond: hits / seconds, cpuUsPerHit: (cpu.user + cpu.system) / hits, redisUsPerHit: to === 'queue' ? redisUs / hits : Number.NaN };
}

interface WorkerAnswer { stats: { hits: { delivered: number; failed: number }; jobs: { completed: number; failed: number; retried: number } } | null; cpuUs: number; error?: string }
interface Drained { perSecond: number; workerCpuUsPerHit: number; redisUsPerHit: number; shares: number[] }

/** The workers empty the queue (`hits` hits in it) to `url`; timed from their start until every hit is delivered. */
async function drain(workers: Child[], url: string, hits: number, check?: () => Promise<number>): Promise<Drained> {
  const redisBefore = await redisCpuUs();
  const start = process.hrtime.bigint();
  const started = await Promise.all(workers.map((worker) => worker.ask<WorkerAnswer>(JSON.stringify({ do: 'start', url, concurrency: CONCURRENCY }))));
  for (const answer of started) if (answer.error !== undefined) throw new Error(answer.error);
  const deadline = Date.now() + 600_000;
  for (;;) {
    const now = await Promise.all(workers.map((worker) => worker.ask<WorkerAnswer>(JSON.stringify({ do: 'stats' }))));
    if (now.reduce((sum, answer) => sum + (answer.stats?.hits.delivered ?? 0), 0) >= hits) break;
    if (Date.now() > deadline) throw new Error(`the workers delivered ${JSON.stringify(now)} of ${hits} within 10 minutes`);
    await sleep(10);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const redisUs = (await redisCpuUs()) - redisBefore;
  const stopped = await Promise.all(workers.map((worker) => worker.ask<WorkerAnswer>(JSON.stringify({ do: 'stop' }))));
  const delivered = stopped.map((answer) => answer.stats?.hits.delivered ?? 0);
  const total = delivered.reduce((a, b) => a + b, 0);
  const failed = stopped.reduce((sum, answer) => sum + (answer.stats?.hits.failed ?? 0) + (answer.stats?.jobs.retried ?? 0), 0);
  if (total !== hits || failed !== 0) throw new Error(`delivered ${total} of ${hits}, ${failed} failed or retried: ${JSON.stringify(stopped)}`);
  const left = await jobsLeft();
  if (left !== 0) throw new Error(`${left} jobs left in the queue after the workers delivered every hit`);
  if (check !== undefined) {
    const stored = await check();
    if (stored !== hits) throw new Error(`the collector stored ${stored} of ${hits} hits`);
  }
  const workerCpu = stopped.reduce((sum, answer, i) => sum + answer.cpuUs - (started[i] as WorkerAnswer).cpuUs, 0);
  return { perSecond: hits / seconds, workerCpuUsPerHit: workerCpu / hits, redisUsPerHit: redisUs / hits, shares: delivered.map((d) => d / hits) };
}

const children: Child[] = [];
const stopChildren = () => children.splice(0).forEach((child) => child.stop());
process.on('SIGINT', () => {
  stopChildren();
  void removeKeys().finally(() => process.exit(130));
});

type Target = 'sink' | 'collector';
const CONFIGS: { target: Target; workers: 1 | 2 }[] = [{ target: 'sink', workers: 1 }, { target: 'sink', workers: 2 }, { target: 'collector', workers: 1 }, { target: 'collector', workers: 2 }];
const key = (config: { target: Target; workers: number }) => `${config.target} ${config.workers}`;
const samples = { queue: [] as Enqueued[], http: [] as Enqueued[], compared: [] as Enqueued[], drains: new Map<string, Drained[]>() };
let redisPeakMb = 0;

try {
  // The 204 sink in its own process (bench/collector-process.ts `null`: reads the body, answers 204).
  const sink = await startChild('bench/collector-process.ts', ['null']);
  children.push(sink);
  const workers = ENQUEUE_ONLY ? [] : [await startChild('bench/queue-worker-process.ts', [REDIS_URL, prefix]), await startChild('bench/queue-worker-process.ts', [REDIS_URL, prefix])];
  children.push(...workers);

  const iteration = async (config: (typeof CONFIGS)[number], hits: number, record: boolean) => {
    const q = await enqueue('queue', hits, sink.url);
    redisPeakMb = Math.max(redisPeakMb, Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? 0) / 1_048_576);
    const h = await enqueue('http', hits, sink.url);
    if (record) {
      samples.queue.push(q);
      samples.http.push(h);
    }
    console.error(`enqueue ${hits}: queue ${Math.round(q.perSecond)} hits/s (${q.cpuUsPerHit.toFixed(2)} µs CPU a hit), http ${Math.round(h.perSecond)} hits/s (${h.cpuUsPerHit.toFixed(2)} µs)`);
    if (COMPARE_HITS_PER_JOB !== undefined) {
      await removeKeys();
      const c = await enqueue('queue', hits, sink.url, COMPARE_HITS_PER_JOB);
      if (record) samples.compared.push(c);
      console.error(`enqueue ${hits}: queue with hitsPerJob ${COMPARE_HITS_PER_JOB} ${Math.round(c.perSecond)} hits/s (${c.cpuUsPerHit.toFixed(2)} µs CPU a hit, Redis ${c.redisUsPerHit.toFixed(2)} µs)`);
    }
    if (ENQUEUE_ONLY) return void (await removeKeys());
    // A fresh collector for each drain (its SQLite in memory would otherwise grow by every round's hits).
    const target = config.target === 'sink' ? sink : await startChild('bench/queue-collector-process.ts');
    try {
      const check = config.target === 'collector' ? async () => (await target.ask<{ stored: number }>('count')).stored : undefined;
      const d = await drain(workers.slice(0, config.workers), target.url, hits + WARM, check);
      if (record) samples.drains.set(key(config), [...(samples.drains.get(key(config)) ?? []), d]);
      console.error(`drain ${key(config)}: ${Math.round(d.perSecond)} hits/s, workers ${d.workerCpuUsPerHit.toFixed(2)} µs CPU a hit, shares ${d.shares.map((s) => s.toFixed(2)).join('/')}`);
    } finally {
      if (target !== sink) target.stop();
    }
  };

  // Warm-up (every path once, small), then rounds of every configuration, interleaved.
  for (const config of CONFIGS) await iteration(config, 20_000, false);
  for (let round = 0; round < ROUNDS; round++) for (const config of CONFIGS) await iteration(config, HITS, true);
} finally {
  stopChildren();
  const removed = await removeKeys();
  console.error(`removed ${removed} keys under ${prefix}:`);
  redis.disconnect();
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mid = (values: Enqueued[] | Drained[], pick: (value: Enqueued & Drained) => number) => median((values as (Enqueued & Drained)[]).map(pick));
const queueRate = mid(samples.queue, (s) => s.perSecond);
const httpRate = mid(samples.http, (s) => s.perSecond);
const body = (): string => {
  const drains = (target: Target, workers: number) => samples.drains.get(key({ target, workers })) ?? [];
  const rate = (target: Target, workers: number) => mid(drains(target, workers), (s) => s.perSecond);
  const drainRow = (target: Target, workers: number, label: string) => {
    const factor = workers === 2 ? `**${(rate(target, 2) / rate(target, 1)).toFixed(2)}×** (2 cores)` : '1.00×';
    return `| ${label} | ${workers === 1 ? 'one' : 'two, each in its own process'} | ${int(rate(target, workers))} | ${factor} | ${mid(drains(target, workers), (s) => s.workerCpuUsPerHit).toFixed(2)} | ${mid(drains(target, workers), (s) => s.redisUsPerHit).toFixed(2)} |`;
  };
  const oneToSink = rate('sink', 1);
  const oneToCollector = rate('collector', 1);
  return [
    '## Queue mode (issue 15)',
    '',
    `Command: \`${HITS_PER_JOB === undefined ? '' : `BENCH_QUEUE_HITS_PER_JOB=${HITS_PER_JOB} `}${CONCURRENCY === undefined ? '' : `BENCH_QUEUE_CONCURRENCY=${CONCURRENCY} `}npm run bench:queue\`. ${machine()}, Redis ${redisVersion} on the same machine. ${int(HITS)} hits a run (after ${int(WARM)} untimed to open the connection), four routes, ${CONSUMERS} consumers, a 404 in 50; ${ROUNDS} interleaved rounds, medians. **Two cores** hold everything: the web process or the workers, Redis, and the sink or collector, so absolute figures are noisy and the two-worker factor cannot reach 2×: read the ratios of one run.`,
    '',
    `**Enqueue, one web process** (this process): \`track()\` as fast as the loop can call it, the event loop turning every 100 hits and a flush every 5 000 (as bench/delivery), \`maxQueueSize: 50 000\`, timed until \`stats().sent\` counts every hit; side by side, the same hits with \`collector(url)\` over HTTP (\`/mp/batch\`) to a local sink in another process that answers 204 at once. "Redis CPU" is the Redis server's own (\`INFO cpu\`), per hit.`,
    '',
    '| destination | hits/s | ratio | CPU per hit, web process | Redis CPU per hit |',
    '|---|--:|--:|--:|--:|',
    `| \`queue({ redisUrl })\`: BullMQ jobs of ${HITS_PER_JOB ?? DEFAULT_HITS_PER_JOB} hits, \`addBulk\` | ${int(queueRate)} | **${(queueRate / httpRate).toFixed(2)}×** | ${mid(samples.queue, (s) => s.cpuUsPerHit).toFixed(2)} µs | ${mid(samples.queue, (s) => s.redisUsPerHit).toFixed(2)} µs |`,
    `| \`collector(url)\` over HTTP to the 204 sink | ${int(httpRate)} | 1.00× | ${mid(samples.http, (s) => s.cpuUsPerHit).toFixed(2)} µs | - |`,
    '',
    `Goal: at least 100 000 hits/s into Redis from one web process: **${queueRate >= 100_000 ? 'met' : 'NOT met'}** in this run. Redis used at most ${int(redisPeakMb)} MiB with ${int(HITS + WARM)} hits waiting.`,
    '',
    `**Workers**: the queue filled with ${int(HITS + WARM)} hits (the enqueue run above), then \`startWorker({ redisUrl, prefix, destination: collector(url) })\` with ${CONCURRENCY === undefined ? 'its defaults (concurrency 32)' : `concurrency ${CONCURRENCY}`}, each worker in its own process, timed from the workers' start until they have delivered every hit (checked: none failed or retried, no job left; the collector stored each hit once). **Sink**: the node:http server answering 204 at once (the worker's own speed). **Collector**: Footfall's collector from dist (\`startCollector({ memory: true })\`, SQLite in memory), a fresh one for each run, in its own process (its ingest speed bounds the row). CPU per hit is the worker processes' (summed) and the Redis server's.`,
    '',
    '| delivered to | workers | hits/s | two ÷ one | workers CPU per hit (µs) | Redis CPU per hit (µs) |',
    '|---|---|--:|--:|--:|--:|',
    drainRow('sink', 1, 'sink answering 204'),
    drainRow('sink', 2, 'sink answering 204'),
    drainRow('collector', 1, 'Footfall collector, SQLite in memory'),
    drainRow('collector', 2, 'Footfall collector, SQLite in memory'),
    '',
    `Goal: at least 50 000 hits/s with one worker to a local collector: to the 204 sink **${oneToSink >= 50_000 ? 'met' : 'NOT met'}** (${int(oneToSink)}), to Footfall's collector **${oneToCollector >= 50_000 ? 'met' : 'NOT met'}** (${int(oneToCollector)}) in this run.`,
  ].join('\n');
};

const redisVersion = await (async () => {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return /^redis_version:([\d.]+)/m.exec(await client.info('server'))?.[1] ?? '?';
  } finally {
    client.disconnect();
  }
})();
if (ENQUEUE_ONLY) {
  console.log(`enqueue: queue ${int(queueRate)} hits/s (${mid(samples.queue, (s) => s.cpuUsPerHit).toFixed(2)} µs CPU a hit, Redis ${mid(samples.queue, (s) => s.redisUsPerHit).toFixed(2)} µs), http ${int(httpRate)} hits/s, ratio ${(queueRate / httpRate).toFixed(2)}×`);
  if (COMPARE_HITS_PER_JOB !== undefined) {
    const compared = mid(samples.compared, (s) => s.perSecond);
    console.log(`enqueue with hitsPerJob ${COMPARE_HITS_PER_JOB}: ${int(compared)} hits/s (${mid(samples.compared, (s) => s.cpuUsPerHit).toFixed(2)} µs CPU a hit, Redis ${mid(samples.compared, (s) => s.redisUsPerHit).toFixed(2)} µs), ${(compared / queueRate).toFixed(2)}× the queue row, ${(compared / httpRate).toFixed(2)}× http`);
  }
} else {
  const text = body();
  writeSection('queue', text);
  console.log(text);
}
