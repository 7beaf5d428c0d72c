// bench/ingest: hits per second stored by the collector from concurrent GA4 batches (25
// events a request, 16 connections), into a SQLite file and into memory, side by side with a
// bare node:http server that only reads the body (the floor), in one run.
// Run: `npm run bench:ingest` (writes docs/benchmarks.md).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { resolveHitOptions, toHit } from '../src/hit-options.js';
import { encodeGa4 } from '../src/protocols/ga4/encode.js';
import { machine, writeSection } from './report.js';

const REQUESTS = 2000;
const WARM_UP = 20;
const CONNECTIONS = 16;
const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-ingest-'));

/** One distinct GA4 body of 25 events per request (each hit its own id: the collector stores an id once): 40 routes, 200 consumers, times within the last minute. */
function bodies(): string[] {
  const context = resolveHitOptions({ hashKey: 'bench-key-0123456789abcdef', canonicalHost: 'https://api.example.com' });
  const now = Date.now();
  const out: string[] = [];
  for (let b = 0; b < REQUESTS + WARM_UP; b++) {
    const user = `consumer-${b % 200}`;
    const hits = Array.from({ length: 25 }, (_, i) => toHit({ method: i % 5 === 0 ? 'POST' : 'GET', url: `/v1/r${(b + i) % 40}/${i}`, route: `/v1/r${(b + i) % 40}/:id`, status: i % 17 === 0 ? 500 : 200, durationMs: 1 + ((b * 25 + i) % 97), userId: user, timestampMs: now - 60_000 + i }, context));
    for (const request of encodeGa4(hits, { nowMs: now }).requests) out.push(request.body);
  }
  return out;
}

function startServer(mode: 'file' | 'memory' | 'null', file: string): Promise<{ url: string; stop: () => void }> {
  const child = fork(new URL('./collector-process.ts', import.meta.url), [mode, file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve({ url: chunk.toString().trim(), stop: () => child.kill() }));
  });
}

async function load(url: string, payloads: string[], count = REQUESTS): Promise<number> {
  const pool = new Pool(url, { connections: CONNECTIONS });
  let next = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const body = payloads[next++ % payloads.length] ?? '';
      const response = await pool.request({ path: '/mp/collect?measurement_id=G-BENCH&api_secret=s', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.body.dump();
      if (response.statusCode !== 204) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await pool.close();
  if (failed > 0) throw new Error(`${failed} requests were not answered 204`);
  return (count * 25) / seconds;
}

async function storedHits(url: string): Promise<number> {
  const pool = new Pool(url);
  const response = await pool.request({ path: '/api/status', method: 'GET' });
  const status = (await response.body.json()) as { hits: number };
  await pool.close();
  return status.hits;
}

const all = bodies();
const payloads = all.slice(0, REQUESTS);
const warmUp = all.slice(REQUESTS);
const results: Record<'file' | 'memory' | 'null', number[]> = { file: [], memory: [], null: [] };
for (let run = 0; run < 3; run++) {
  for (const mode of ['file', 'memory', 'null'] as const) {
    const server = await startServer(mode, join(dir, `run-${run}.db`));
    await load(server.url, warmUp, WARM_UP);
    const perSecond = await load(server.url, payloads);
    if (mode !== 'null') {
      const stored = await storedHits(server.url);
      if (stored !== (REQUESTS + WARM_UP) * 25) throw new Error(`${mode}: stored ${stored} of ${(REQUESTS + WARM_UP) * 25} hits`);
    }
    server.stop();
    results[mode].push(perSecond);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;
const floor = median(results.null);
const row = (label: string, value: number): string => `| ${label} | ${Math.round(value).toLocaleString('en-US')} | ${(value / floor).toFixed(2)}× |`;
const file = median(results.file);
const body = [
  '## bench/ingest: hits stored per second by the collector',
  '',
  `Command: \`npm run bench:ingest\`. ${machine()}. The collector runs in its own process; the load generator sends ${REQUESTS.toLocaleString('en-US')} GA4 requests of 25 events (40 routes, 200 consumers) over ${CONNECTIONS} keep-alive connections; every request is validated, parsed and stored (the count is checked afterwards). Median of 3 alternating runs. The floor is a bare node:http server that reads the body and answers 204.`,
  '',
  '| server | hits/s | vs floor |',
  '|---|---|---|',
  row('collector, SQLite file (WAL)', file),
  row('collector, SQLite in memory', median(results.memory)),
  row('floor: read body, answer 204, store nothing', floor),
  '',
  `Goal: at least 20 000 hits/s into SQLite: **${file >= 20_000 ? 'met' : 'NOT met'}**.`,
].join('\n');
writeSection('ingest', body);
console.log(body);
