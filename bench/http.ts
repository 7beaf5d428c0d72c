// bench/http: autocannon against each framework bare and with Footfall — one consumer and 256,
// to a healthy, a hanging and a chaotic sink — and against Express with what a user would pick
// instead, all in one run, rounds interleaved. Run: `npm run bench:http` (writes
// docs/benchmarks.md). BENCH_HTTP_SECONDS sets each load's length, BENCH_HTTP_ROUNDS the rounds.
// BENCH_HTTP_QUEUE=1 adds queue mode (issue 15): the tracker hands hits to Redis with queue()
// (FOOTFALL_REDIS_URL or 127.0.0.1:6379; no worker runs, the jobs wait and are removed at the end).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { machine, writeSection } from './report.js';
import { startServerProcess } from './server-process.js';
import { startSinkProcess, type SinkProcess } from './sink.js';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 2);
const CONNECTIONS = 20;
/** BENCH_HTTP_FRAMEWORKS=node,express picks frameworks; the rivals and the collector's batch run on Express only. */
const FRAMEWORKS = (process.env.BENCH_HTTP_FRAMEWORKS ?? 'node,express,fastify,koa,hono').split(',');
const WITH_EXPRESS = FRAMEWORKS.includes('express');
const CONSUMERS = [1, 256];
const SINKS = ['ok', 'hang', 'chaos'] as const;
const RIVALS = ['universal-analytics', 'segment', 'posthog', 'fetch'];
const WITH_QUEUE = process.env.BENCH_HTTP_QUEUE === '1';
const REDIS_URL = process.env.FOOTFALL_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The queue mode's Redis keys, all under this prefix, removed at the end. */
const QUEUE_PREFIX = `ffbench-http-${randomBytes(4).toString('hex')}`;
/** How long the server's tracker may take to close after the load, when it is asked to. */
const CLOSE_TIMEOUT_MS = 30_000;

interface Outcome { rps: number; p99: number; peakRssMb: number; errors: number; cpuUsPerRequest: number; delivered?: number; closeMs?: number; sockets: number; sends: number; requests: number }
interface Config { key: string; framework: string; mode: string; sink: (typeof SINKS)[number]; consumers: number; destination: string }

/** The `share` percentile of `values` (ms), by rank. */
function percentile(values: number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

async function measure(config: Config, sink: SinkProcess): Promise<Outcome> {
  const server = await startServerProcess(config.framework, config.mode, sink.url, { BENCH_CONSUMERS: String(config.consumers), BENCH_DESTINATION: config.destination, BENCH_QUEUE_PREFIX: QUEUE_PREFIX });
  await autocannon({ url: `${server.url}/v1/users/42`, connections: CONNECTIONS, duration: 1 }); // warm-up
  const sendsBefore = (await sink.stats(true)).requests;
  const before = await server.stats();
  // Without a callback autocannon returns its instance, an event emitter that is also a promise of the result.
  const load = autocannon({ url: `${server.url}/v1/users/42?fields=name`, connections: CONNECTIONS, duration: DURATION_S }) as ReturnType<typeof autocannon> & { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
  // autocannon's own percentiles are whole milliseconds; each response's time comes with its fraction.
  const times: number[] = [];
  load.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const result = await load;
  const after = await server.stats();
  const seen = await sink.stats();
  const outcome: Outcome = {
    rps: result.requests.average,
    p99: percentile(times, 0.99),
    peakRssMb: after.maxRss / 1_048_576,
    errors: result.errors + result.non2xx,
    cpuUsPerRequest: (after.cpuUs - before.cpuUs) / Math.max(1, result.requests.total),
    sockets: seen.maxConnections,
    sends: seen.requests - sendsBefore,
    requests: result.requests.total,
  };
  // Delivery is judged at the end of close() with the healthy and the chaotic sink (the hanging one delivers nothing by design).
  if ((config.mode === 'footfall' || config.mode === 'queue') && config.sink !== 'hang') {
    const closed = await server.closeTracker(CLOSE_TIMEOUT_MS);
    outcome.delivered = closed.stats.sent / Math.max(1, closed.stats.tracked);
    outcome.closeMs = closed.closeMs;
  }
  server.stop();
  return outcome;
}

// Pin this process (autocannon) and the sinks it starts to core 1.
spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const sinks = { ok: await startSinkProcess('ok'), hang: await startSinkProcess('hang'), chaos: await startSinkProcess('chaos') };
const configs: Config[] = [];
const add = (framework: string, mode: string, sink: Config['sink'], consumers: number, destination = 'ga4') =>
  configs.push({ key: `${framework} ${mode} ${sink} ${consumers} ${destination}`, framework, mode, sink, consumers, destination });
for (const framework of FRAMEWORKS) {
  add(framework, 'bare', 'ok', 1);
  add(framework, 'floor', 'ok', 1);
  for (const consumers of CONSUMERS) for (const sink of SINKS) add(framework, 'footfall', sink, consumers);
  if (WITH_QUEUE) for (const consumers of CONSUMERS) add(framework, 'queue', 'ok', consumers);
}
if (WITH_EXPRESS) {
  for (const consumers of CONSUMERS) for (const mode of RIVALS) add('express', mode, 'ok', consumers);
  for (const destination of ['collector', 'collector-unbatched']) add('express', 'footfall', 'ok', 256, destination);
}

const runs = new Map<string, Outcome[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const config of configs) {
    const outcome = await measure(config, sinks[config.sink]);
    runs.set(config.key, [...(runs.get(config.key) ?? []), outcome]);
    console.error(`${config.key}: ${Math.round(outcome.rps)} req/s, p99 ${outcome.p99.toFixed(2)} ms, ${outcome.cpuUsPerRequest.toFixed(1)} µs/request`);
  }
}
for (const sink of Object.values(sinks)) sink.stop();
if (WITH_QUEUE) await removeQueueKeys();

/** Removes every key the queue mode made (its jobs wait: no worker ran). */
async function removeQueueKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The best of the rounds: noise only ever slows a run down. */
const best = (framework: string, mode: string, sink: string, consumers: number, destination = 'ga4'): Outcome =>
  (runs.get(`${framework} ${mode} ${sink} ${consumers} ${destination}`) ?? []).reduce((a, b) => (b.rps > a.rps ? b : a));
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const deliveredCell = (o: Outcome) => (o.delivered === undefined ? '-' : `${(o.delivered * 100).toFixed(2)}% in ${((o.closeMs ?? 0) / 1000).toFixed(1)} s`);

const frameworkRows: string[] = [];
for (const framework of FRAMEWORKS) {
  const bare = best(framework, 'bare', 'ok', 1);
  for (const consumers of CONSUMERS) {
    for (const sink of SINKS) {
      const o = best(framework, 'footfall', sink, consumers);
      frameworkRows.push(`| ${framework} | ${consumers} | ${sink} | ${int(bare.rps)} | ${int(o.rps)} | **${pct(o.rps / bare.rps)}** | ${bare.p99.toFixed(2)} / ${o.p99.toFixed(2)} ms | ${ratio(o.p99 / bare.p99)} | +${(o.cpuUsPerRequest - bare.cpuUsPerRequest).toFixed(1)} µs | ${o.sends === 0 ? '-' : (o.requests / o.sends).toFixed(1)} | ${ratio(o.peakRssMb / bare.peakRssMb)} | ${o.sockets} | ${deliveredCell(o)} |`);
    }
  }
}
const floorRows = FRAMEWORKS.map((framework) => {
  const bare = best(framework, 'bare', 'ok', 1);
  const floor = best(framework, 'floor', 'ok', 1);
  const ours = best(framework, 'footfall', 'ok', 1);
  return `| ${framework} | ${int(bare.rps)} | ${int(floor.rps)} | **${pct(floor.rps / bare.rps)}** | +${(floor.cpuUsPerRequest - bare.cpuUsPerRequest).toFixed(1)} µs | ${ratio(floor.peakRssMb / bare.peakRssMb)} | ${pct(ours.rps / bare.rps)} | +${(ours.cpuUsPerRequest - bare.cpuUsPerRequest).toFixed(1)} µs | ${pct(ours.rps / floor.rps)} |`;
});
const queueRows = !WITH_QUEUE ? [] : FRAMEWORKS.flatMap((framework) => CONSUMERS.map((consumers) => {
  const bare = best(framework, 'bare', 'ok', 1);
  const direct = best(framework, 'footfall', 'ok', consumers);
  const o = best(framework, 'queue', 'ok', consumers);
  return `| ${framework} | ${consumers} | ${int(bare.rps)} | ${int(o.rps)} | **${pct(o.rps / bare.rps)}** | ${ratio(o.p99 / bare.p99)} | +${(o.cpuUsPerRequest - bare.cpuUsPerRequest).toFixed(1)} µs | ${ratio(o.peakRssMb / bare.peakRssMb)} | ${deliveredCell(o)} | ${pct(direct.rps / bare.rps)} | ${ratio(o.rps / direct.rps)} |`;
}));
const expressBare = WITH_EXPRESS ? best('express', 'bare', 'ok', 1) : undefined;
const rivalRows: string[] = [];
for (const consumers of expressBare === undefined ? [] : CONSUMERS) {
  const ours = best('express', 'footfall', 'ok', consumers);
  for (const mode of ['footfall', ...RIVALS]) {
    const o = mode === 'footfall' ? ours : best('express', mode, 'ok', consumers);
    const label = { footfall: 'Footfall', 'universal-analytics': 'universal-analytics 0.5.3', segment: '@segment/analytics-node 3', posthog: 'posthog-node 5', fetch: 'an awaited fetch per request' }[mode];
    rivalRows.push(`| ${consumers} | ${label} | ${int(o.rps)} | ${pct(o.rps / (expressBare as Outcome).rps)} | ${ratio(ours.rps / o.rps)} | ${ratio(o.p99 / (expressBare as Outcome).p99)} | ${o.cpuUsPerRequest.toFixed(1)} µs | ${ratio(o.peakRssMb / (expressBare as Outcome).peakRssMb)} |`);
  }
}
const destinations = expressBare === undefined ? [] : [['GA4 (one consumer a request)', 'ga4'], ['Footfall collector, /mp/batch', 'collector'], ['Footfall collector, /mp/collect (batch: false)', 'collector-unbatched']];
const collectorRows = destinations.map(([label, destination]) => {
  const o = best('express', 'footfall', 'ok', 256, destination);
  if (expressBare === undefined) return '';
  return `| ${label as string} | ${int(o.rps)} | ${pct(o.rps / expressBare.rps)} | +${(o.cpuUsPerRequest - expressBare.cpuUsPerRequest).toFixed(1)} µs | ${o.sends} | ${(o.requests / Math.max(1, o.sends)).toFixed(1)} |`;
});

const body = [
  '## bench/http: request throughput with and without Footfall',
  '',
  `Command: \`npm run bench:http\`. ${machine()}. autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per configuration after a 1 s warm-up, best of ${ROUNDS} interleaved rounds; the server is pinned to one core (taskset) and does its own analytics work there, while autocannon and the sinks share the other, so what Footfall costs shows as throughput lost on the server's core. Absolute figures are noisy: read the ratios. Route \`GET /v1/users/:id\`, JSON answer; one hit per request, GA4 to a local sink. With 256 consumers each request's user id is drawn in turn from a pool of 256 (GA4 takes one consumer per request, so batches are per consumer). Sinks: **ok** answers 200; **hang** never answers; **chaos** is the seed's collector (20% 500, 20% held 20 s). "Hits per send" is requests served per request the sink received; "delivered" is the tracker's sent / tracked at the end of \`close({ timeoutMs: ${CLOSE_TIMEOUT_MS} })\`, called right after the load.`,
  '',
  '| framework | consumers | sink | bare req/s | with Footfall req/s | throughput kept | p99 bare / with | p99 ratio | server CPU per request | hits per send | peak RSS × bare | sockets to the sink | delivered |',
  '|---|--:|---|--:|--:|--:|---|--:|--:|--:|--:|--:|---|',
  ...frameworkRows,
  '',
  'Goals (issue 14): at least 97% of bare throughput, p99 at most 1.10× bare, peak RSS at most 1.2× bare, in every row. p99 is taken from the time of every response, fraction included (autocannon itself reports whole milliseconds).',
  '',
  "**The floor**: the least any sender inside the process can do (bench/http-server.ts's `floor` mode, written for this bench: one `finish` listener on the node:http server's responses, three facts held, every 25 one JSON body over a kept-alive undici pool, answers thrown away; no privacy, retries, accounting or grouping), one consumer, healthy sink, same run. What it loses is what any in-process analytics loses on that framework; Footfall's row is the table's first.",
  '',
  '| framework | bare req/s | floor req/s | floor kept | floor CPU per request | floor peak RSS × bare | Footfall kept | Footfall CPU per request | Footfall ÷ floor |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ...floorRows,
  '',
  'The same Express app, one hit per request to the same healthy sink, with what a user would pick instead (each given the same consumers):',
  '',
  '| consumers | sender | req/s | of bare Express | Footfall is ahead by | p99 × bare | server CPU per request | peak RSS × bare |',
  '|--:|---|--:|--:|--:|--:|--:|--:|',
  ...rivalRows,
  '',
  "The same Express app with 256 consumers, by destination: GA4's one consumer a request against Footfall's own collector, whose `/mp/batch` takes many.",
  '',
  '| destination | req/s | of bare Express | server CPU per request | requests to the sink | hits per request |',
  '|---|--:|--:|--:|--:|--:|',
  ...collectorRows,
  ...(!WITH_QUEUE ? [] : [
    '',
    "**Queue mode** (issue 15, `BENCH_HTTP_QUEUE=1`): the same server with `queue({ redisUrl })` from footfall/queue as the tracker's destination — hits go to Redis (on this machine, not pinned) as BullMQ jobs of 250, no worker running — beside direct delivery (GA4 to the healthy sink, the first table's row). \"Delivered\" is hits in Redis / tracked at the end of `close()`. Goal: at least 97% of bare, as direct delivery.",
    '',
    '| framework | consumers | bare req/s | with queue() req/s | throughput kept | p99 × bare | server CPU per request | peak RSS × bare | delivered to Redis | direct delivery kept | queue ÷ direct |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|',
    ...queueRows,
  ]),
].join('\n');
writeSection('http', body);
console.log(body);
