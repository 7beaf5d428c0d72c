// bench/stages: where an API server's CPU goes per request, stage by stage, under load. Each
// framework runs bare and with Footfall (GA4 to a local sink), with one consumer and with 256;
// autocannon loads it while V8's sampling profiler runs inside the server (bench/profile-stages
// splits the samples by source file). CPU per request is the server's own (process.cpuUsage).
// Run: `npm run bench:stages` (writes docs/benchmarks.md). BENCH_STAGES_FRAMEWORKS=node,express
// picks frameworks; BENCH_HTTP_SECONDS the load's length.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { STAGES, stageTimes, type Stage } from './profile-stages.js';
import { machine, writeSection } from './report.js';
import { startServerProcess } from './server-process.js';
import { startSinkProcess, type SinkProcess } from './sink.js';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const CONNECTIONS = 20;
const FRAMEWORKS = (process.env.BENCH_STAGES_FRAMEWORKS ?? 'node,express,fastify,koa,hono').split(',');
const CONSUMER_COUNTS = [1, 256];
/** Rounds of the view by difference (BENCH_STAGES_ROUNDS); each figure is the least of them. */
const DIFFERENCE_ROUNDS = Number(process.env.BENCH_STAGES_ROUNDS ?? 3);
/** BENCH_PROFILE_DIR keeps the profiles (open them in Chrome DevTools); else they go to a temporary folder, removed after. */
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'footfall-stages-'));

interface Row { framework: string; mode: string; consumers: number; rps: number; cpuUs: number; stagesUs: Record<Stage, number>; requestsPerSend: number }

/** CPU per request without the profiler, for the view by difference: the adapter alone, everything but the send, everything. */
async function cpuPerRequest(framework: string, mode: string, consumers: number, sink: SinkProcess, env: Record<string, string> = {}): Promise<number> {
  const server = await startServerProcess(framework, mode, sink.url, { BENCH_CONSUMERS: String(consumers), ...env });
  await autocannon({ url: `${server.url}/v1/users/42`, connections: CONNECTIONS, duration: 1 });
  const before = await server.stats();
  const result = await autocannon({ url: `${server.url}/v1/users/42?fields=name`, connections: CONNECTIONS, duration: DURATION_S });
  const after = await server.stats();
  server.stop();
  return (after.cpuUs - before.cpuUs) / Math.max(1, result.requests.total);
}

async function run(framework: string, mode: 'bare' | 'footfall', consumers: number, sink: SinkProcess): Promise<Row> {
  const server = await startServerProcess(framework, mode, sink.url, { BENCH_CONSUMERS: String(consumers) });
  await autocannon({ url: `${server.url}/v1/users/42`, connections: CONNECTIONS, duration: 1 }); // warm-up
  const sendsBefore = await sink.requests();
  const before = await server.stats();
  await server.startProfile();
  const result = await autocannon({ url: `${server.url}/v1/users/42?fields=name`, connections: CONNECTIONS, duration: DURATION_S });
  const file = join(dir, `${framework}-${mode}-${consumers}.cpuprofile`);
  await server.stopProfile(file);
  const after = await server.stats();
  const sends = (await sink.requests()) - sendsBefore;
  server.stop();
  const requests = Math.max(1, result.requests.total);
  const times = stageTimes(file);
  const stagesUs = Object.fromEntries(STAGES.map((s) => [s, (times[s] * 1000) / requests])) as Record<Stage, number>;
  return { framework, mode, consumers, rps: result.requests.average, cpuUs: (after.cpuUs - before.cpuUs) / requests, stagesUs, requestsPerSend: mode === 'bare' ? 0 : requests / Math.max(1, sends) };
}

spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const sink = await startSinkProcess('ok');
const rows: Row[] = [];
const differences: string[] = [];
for (const framework of FRAMEWORKS) {
  for (const consumers of CONSUMER_COUNTS) {
    // The least of interleaved rounds: on a shared machine noise only ever adds CPU time.
    const least = { bare: Infinity, adapter: Infinity, unsent: Infinity, full: Infinity };
    for (let round = 0; round < DIFFERENCE_ROUNDS; round++) {
      least.bare = Math.min(least.bare, await cpuPerRequest(framework, 'bare', consumers, sink));
      least.adapter = Math.min(least.adapter, await cpuPerRequest(framework, 'adapter-only', consumers, sink));
      least.unsent = Math.min(least.unsent, await cpuPerRequest(framework, 'footfall', consumers, sink, { BENCH_NULL_TRANSPORT: '1' }));
      least.full = Math.min(least.full, await cpuPerRequest(framework, 'footfall', consumers, sink));
    }
    const { bare, adapter, unsent, full } = least;
    differences.push(`| ${framework} | ${consumers} | ${bare.toFixed(1)} | ${(adapter - bare).toFixed(1)} | ${(unsent - adapter).toFixed(1)} | ${(full - unsent).toFixed(1)} | **${(full - bare).toFixed(1)}** |`);
    console.error(differences.at(-1));
  }
}
for (const framework of FRAMEWORKS) {
  for (const consumers of CONSUMER_COUNTS) {
    for (const mode of ['bare', 'footfall'] as const) {
      if (mode === 'bare' && consumers !== 1) continue; // bare does not depend on consumers
      const row = await run(framework, mode, consumers, sink);
      rows.push(row);
      console.error(`${framework} ${mode} ${consumers}: ${Math.round(row.rps)} req/s, ${row.cpuUs.toFixed(1)} µs/request, ${row.requestsPerSend.toFixed(1)} hits/send`);
    }
  }
}
sink.stop();
if (process.env.BENCH_PROFILE_DIR === undefined) rmSync(dir, { recursive: true, force: true });

const FOOTFALL: Stage[] = ['adapter', 'track', 'batch', 'build', 'encode', 'send', 'undici'];
const f1 = (n: number) => n.toFixed(1);
const lines = rows.filter((r) => r.mode === 'footfall').map((r) => {
  const bare = rows.find((b) => b.framework === r.framework && b.mode === 'bare') as Row;
  const own = FOOTFALL.reduce((sum, s) => sum + r.stagesUs[s], 0);
  const extraGc = r.stagesUs.gc - bare.stagesUs.gc;
  const extraNode = r.stagesUs.node - bare.stagesUs.node;
  return `| ${r.framework} | ${r.consumers} | ${f1(bare.cpuUs)} / ${f1(r.cpuUs)} (+${f1(r.cpuUs - bare.cpuUs)}) | ${FOOTFALL.map((s) => f1(r.stagesUs[s])).join(' | ')} | **${f1(own)}** | ${f1(extraGc)} | ${f1(extraNode)} | ${f1(r.requestsPerSend)} | ${((r.rps / bare.rps) * 100).toFixed(1)}% |`;
});
const body = [
  '## bench/stages: the request path, stage by stage, under load',
  '',
  `Command: \`npm run bench:stages\`. ${machine()}. Each server pinned to one core, autocannon (${CONNECTIONS} connections, ${DURATION_S} s after a 1 s warm-up) and a local GA4 sink answering 200 on the other; V8's sampling profiler (100 µs) runs inside the server during the load and its samples are split by the source file of the innermost non-Node frame (dist's source maps lead back to src/): **adapter** src/adapters, **track** tracker/track-input, **batch** drain/batcher/books, **build** src/core + src/privacy (toHit), **encode** src/protocols, **send** the rest of src/delivery (sender, retry/concurrency/breaker/timeout layers, transport), **undici** undici's own frames. GC and Node's own frames (HTTP parsing, sockets) are shown as the difference to the bare run. All figures are µs of the server's CPU per request (one hit per request); "CPU/request" is measured with \`process.cpuUsage()\` (the profiler adds a few per cent to both).`,
  '',
  `| framework | consumers | CPU/request bare / with (µs) | ${FOOTFALL.join(' | ')} | Footfall's frames | + GC | + Node | hits per send | throughput kept |`,
  `|---|--:|---|${FOOTFALL.map(() => '--:').join('|')}|--:|--:|--:|--:|--:|`,
  ...lines,
  '',
  'The same, by difference, without the profiler: CPU per request (`process.cpuUsage()`) of the bare app; with the adapter recording into a tracker whose `track()` does nothing; with the real tracker and an in-memory transport (record, track, build, encode, batch; no send); and with everything. Each figure is the least of ' + String(DIFFERENCE_ROUNDS) + ' interleaved runs; still, a difference carries the noise of two runs, and on this shared machine CPU time per request moves by tens of per cent between runs: read this view as a rough cross-check of the profile above and of bench/instructions.',
  '',
  '| framework | consumers | bare µs | + adapter | + track, build, encode | + send | Footfall in all |',
  '|---|--:|--:|--:|--:|--:|--:|',
  ...differences,
].join('\n');
writeSection('stages', body);
console.log(body);
