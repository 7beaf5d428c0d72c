// bench/pg-collector: hits per second stored by `footfall collector` (the built CLI, in processes
// of its own) into PostgreSQL from 16 keep-alive connections posting 25-event GA4 /mp/collect
// requests (a client and 25 hit ids of their own each), with one collector and with two on the
// same schema (8 connections each: the same load, split as a load balancer would); the SQLite
// collector under the same load as the reference. The stored count is checked after each run.
// Each PostgreSQL run gets a fresh schema (dropped after). Writes the `pg-collector` section of
// docs/benchmarks.md. Run: `npm run bench:pg-collector` (builds first; PostgreSQL at
// FOOTFALL_PG_URL or postgres://postgres@127.0.0.1:5432/test). BENCH_PG_HITS sets the hits a
// run (default 200 000); BENCH_CPU_PROF=dir profiles the collectors (node --cpu-prof) instead of
// writing the section.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { median } from './measure.js';
import { machine, writeSection } from './report.js';
import { PG_URL, pgQuery, pgVersion } from './pg-admin.js';
import { postgresCpuS, processCpuS } from './cpu-ticks.js';

const EVENTS = 25;
const HITS = Number(process.env.BENCH_PG_HITS ?? 200_000);
const REQUESTS = Math.ceil(HITS / EVENTS);
const WARM_UP = 40;
const CONNECTIONS = 16;
const ROUNDS = 3;
const CLIENTS = 2_000;
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const ROUTES = 40;

type Setup = 'sqlite' | 'pg-one' | 'pg-two';

interface Running {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `footfall collector` from dist, quiet, on a free port; resolves with its URL. */
function startCollector(db: readonly string[], label: string): Promise<Running> {
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`];
  const child: ChildProcess = spawn(process.execPath, [...profile, 'dist/cli/main.js', 'collector', '--port', '0', '--quiet', ...db], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the collector exited (${code}) before listening: ${seen}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(seen)?.[1];
      if (url === undefined) return;
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      child.removeAllListeners('exit');
      // SIGTERM: the CLI closes the collector and exits, so a CPU profile gets written.
      resolve({ url, pid: child.pid as number, stop: () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); }) });
    });
  });
}

/** `count` distinct /mp/collect bodies: 25 page views each, one of CLIENTS clients, every hit id new (`tag` keeps runs apart). */
function bodies(tag: string, count: number): string[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, r) => {
    const events = Array.from({ length: EVENTS }, (_, e) => {
      const n = r * EVENTS + e;
      return `{"name":"page_view","params":{"api_route":"/v1/r${n % ROUTES}/:id","api_method":"${n % 5 === 0 ? 'POST' : 'GET'}","http_status":${n % 17 === 0 ? 500 : 200},"duration_ms":${1 + (n % 97)},"hit_id":"${tag}-${n}"}}`;
    });
    return `{"client_id":"${1000 + (r % CLIENTS)}.1795953600","timestamp_micros":${(now - 60_000) * 1000},"events":[${events.join(',')}]}`;
  });
}

/** Posts the bodies over CONNECTIONS keep-alive connections split evenly over the collectors; hits/s answered 204. */
async function load(urls: readonly string[], payloads: readonly string[]): Promise<number> {
  const pools = urls.map((url) => new Pool(url, { connections: CONNECTIONS / urls.length, pipelining: 1 }));
  let next = 0;
  let failed = 0;
  const worker = async (pool: Pool): Promise<void> => {
    for (let i = next++; i < payloads.length; i = next++) {
      const response = await pool.request({ path: '/mp/collect?measurement_id=G-BENCH&api_secret=s', method: 'POST', headers: { 'content-type': 'application/json' }, body: payloads[i] ?? '' });
      await response.body.dump();
      if (response.statusCode !== 204) failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => worker(pools[c % pools.length] as Pool)));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pools.map((pool) => pool.close()));
  if (failed > 0) throw new Error(`${failed} requests were not answered 204`);
  return (payloads.length * EVENTS) / seconds;
}

async function statusHits(url: string): Promise<number> {
  const pool = new Pool(url);
  const response = await pool.request({ path: '/api/status', method: 'GET' });
  const { hits } = (await response.body.json()) as { hits: number };
  await pool.close();
  return hits;
}

/** One run of a setup on a fresh store: warm-up, the measured load, the stored count checked. */
/** CPU µs per stored hit of each side, over the measured load only. */
interface CpuPerHit { collectors: number; postgres: number | undefined; load: number }
const cpu = new Map<Setup, CpuPerHit[]>();

async function runOnce(setup: Setup, round: number): Promise<number> {
  const tag = `${setup}${round}${randomBytes(3).toString('hex')}`;
  const payloads = bodies(tag, WARM_UP + REQUESTS);
  const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-pgc-'));
  const schema = `ffbench_${randomBytes(4).toString('hex')}`;
  const db = setup === 'sqlite' ? ['--db', join(dir, 'hits.db')] : ['--db', PG_URL, '--db-schema', schema];
  const collectors = await Promise.all(Array.from({ length: setup === 'pg-two' ? 2 : 1 }, (_, i) => startCollector(db, `${setup}-${i}`)));
  try {
    const urls = collectors.map((collector) => collector.url);
    await load(urls, payloads.slice(0, WARM_UP));
    const collectorsCpu = () => collectors.reduce((sum, collector) => sum + processCpuS(collector.pid), 0);
    const before = { collectors: collectorsCpu(), postgres: postgresCpuS(), load: process.cpuUsage() };
    const hitsPerS = await load(urls, payloads.slice(WARM_UP));
    const hits = REQUESTS * EVENTS;
    const pgAfter = postgresCpuS();
    const loadCpu = process.cpuUsage(before.load);
    const perHit = (seconds: number) => (seconds * 1e6) / hits;
    const used: CpuPerHit = {
      collectors: perHit(collectorsCpu() - before.collectors),
      // With SQLite, the database is inside the collector; PostgreSQL's own processes otherwise.
      postgres: setup === 'sqlite' || pgAfter === undefined || before.postgres === undefined ? undefined : perHit(pgAfter - before.postgres),
      load: perHit((loadCpu.user + loadCpu.system) / 1e6),
    };
    cpu.set(setup, [...(cpu.get(setup) ?? []), used]);
    console.log(`  CPU µs per hit: collector(s) ${used.collectors.toFixed(1)}, PostgreSQL ${used.postgres?.toFixed(1) ?? '-'}, load generator ${used.load.toFixed(1)}`);
    const stored = setup === 'sqlite' ? await statusHits(urls[0] as string) : Number((await pgQuery<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.hits`))[0]?.n);
    if (stored !== payloads.length * EVENTS) throw new Error(`${setup}: stored ${stored} of ${payloads.length * EVENTS} hits`);
    return hitsPerS;
  } finally {
    await Promise.all(collectors.map((collector) => collector.stop()));
    if (setup !== 'sqlite') await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BENCH_SETUPS=pg-one,pg-two runs only those (and writes nothing); a profile runs pg-one unless told. */
const CHOSEN = process.env.BENCH_SETUPS?.split(',') as Setup[] | undefined;
const SETUPS: readonly Setup[] = CHOSEN ?? (PROFILE_DIR === undefined ? ['sqlite', 'pg-one', 'pg-two'] : ['pg-one']);
const results = new Map<Setup, number[]>(SETUPS.map((setup) => [setup, []]));
const loadBefore = loadavg()[0] ?? 0;
for (let round = 0; round < (PROFILE_DIR === undefined ? Number(process.env.BENCH_ROUNDS ?? ROUNDS) : 1); round++) {
  for (const setup of SETUPS) {
    const hitsPerS = await runOnce(setup, round);
    results.get(setup)?.push(hitsPerS);
    console.log(`round ${round + 1}: ${setup} ${Math.round(hitsPerS)} hits/s`);
  }
}
/** The median CPU µs a hit of each side in a setup's runs, as a table cell. */
function cpuCell(setup: Setup): string {
  const runs = cpu.get(setup) ?? [];
  const side = (pick: (c: CpuPerHit) => number | undefined) => {
    const values = runs.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? '–' : median(values).toFixed(1);
  };
  return `${side((c) => c.collectors)} / ${side((c) => c.postgres)} / ${side((c) => c.load)}`;
}

if (PROFILE_DIR === undefined && CHOSEN === undefined) {
  const version = await pgVersion();
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const of = (setup: Setup) => median(results.get(setup) ?? []);
  const [sqlite, one, two] = [of('sqlite'), of('pg-one'), of('pg-two')];
  const machineLoad = `${loadBefore.toFixed(1)} before the runs, ${(loadavg()[0] ?? 0).toFixed(1)} after`;
  const runs = (setup: Setup) => (results.get(setup) ?? []).map(fmt).join(' / ');
  const body = [
    '## bench/pg-collector: the collector on PostgreSQL, one and two processes (issue 16)',
    '',
    `Command: \`npm run bench:pg-collector\`. ${machine()}, PostgreSQL ${version}. **One machine with 2 cores runs PostgreSQL, the collector process(es) and the load generator together**: the figures are what they share, not what each could do alone (1-minute load average ${machineLoad}: above 2, other jobs were running too). \`footfall collector --quiet\` (built CLI) in processes of its own; ${CONNECTIONS} keep-alive connections post ${fmt(REQUESTS)} GA4 /mp/collect requests of ${EVENTS} page views (${fmt(REQUESTS * EVENTS)} hits; ${fmt(CLIENTS)} clients, ${ROUTES} endpoints, every hit with its own hit id) after ${WARM_UP} warm-up requests; each run on a fresh store (a new SQLite file, a new PostgreSQL schema), the stored count checked after it. Two collectors: the same ${CONNECTIONS} connections split 8 + 8 over both, on the same --db and --db-schema. ${ROUNDS} interleaved rounds, medians (runs in brackets).`,
    '',
    '| collector(s) | hits/s stored | vs one on PostgreSQL | runs | CPU µs a hit: collector(s) / PostgreSQL / load generator |',
    '|---|--:|--:|---|---|',
    `| one, SQLite file (WAL) — the reference | ${fmt(sqlite)} | ${(sqlite / one).toFixed(2)}× | ${runs('sqlite')} | ${cpuCell('sqlite')} |`,
    `| one, PostgreSQL | ${fmt(one)} | 1.00× | ${runs('pg-one')} | ${cpuCell('pg-one')} |`,
    `| two, PostgreSQL, one schema | ${fmt(two)} | ${(two / one).toFixed(2)}× | ${runs('pg-two')} | ${cpuCell('pg-two')} |`,
    '',
    'CPU a hit is read from /proc over the measured load (user + system time of the collector processes, of every PostgreSQL process, and of this load generator), medians: it moves less than hits/s with what else the machine runs (though it follows the kernel\'s speed, which varies on this virtual machine: docs/scaling.md), and the three together bound the rate on this machine: 2 cores / their sum.',
    '',
    `Issue 16's goal, at least 50 000 hits/s into PostgreSQL with one collector: **${one >= 50_000 ? 'met' : 'not met'}** here (${fmt(one)}). Two collectors give ${(two / one).toFixed(2)}× one. What limits both (a CPU profile of the collector, PostgreSQL's wait events) is in docs/scaling.md, "Several collectors on one database".`,
  ].join('\n');
  writeSection('pg-collector', body);
  console.log(body);
}
