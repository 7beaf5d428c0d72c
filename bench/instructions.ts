// bench/instructions: what Footfall costs an API server in instructions, counted by valgrind's
// callgrind — the same count on a busy or a quiet machine, where the wall-clock benches on this
// shared 2-core machine move by tens of per cent between runs. Each server runs under callgrind
//; after a warm-up its counters are zeroed, and after exactly N requests
// dumped. Instructions per request of the bare app against the same with Footfall give the
// throughput a CPU-bound server keeps. Counts user space only: the kernel's share of a send (the
// socket write) is not in it — bench/http and bench/stages see that.
// Run: `npm run bench:instructions` (slow: each server runs ~50× slower under valgrind).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { machine, writeSection } from './report.js';
import { startServerProcess } from './server-process.js';
import { startSinkProcess, type SinkProcess } from './sink.js';

const REQUESTS = Number(process.env.BENCH_INSTRUCTIONS_REQUESTS ?? 2_000);
const WARM_UP = Number(process.env.BENCH_INSTRUCTIONS_WARM_UP ?? 1_500);
const FRAMEWORKS = (process.env.BENCH_INSTRUCTIONS_FRAMEWORKS ?? 'node,express,fastify,koa,hono').split(',');
const CONSUMERS = (process.env.BENCH_INSTRUCTIONS_CONSUMERS ?? '1,256').split(',').map(Number);
/** BENCH_INSTRUCTIONS_ADAPTER_ONLY=1: only bare, adapter-only and floor (what an adapter costs, minutes instead of many). */
const ADAPTER_ONLY = process.env.BENCH_INSTRUCTIONS_ADAPTER_ONLY === '1';
/** BENCH_INSTRUCTIONS_KEEP=<dir>: the callgrind dumps are kept there (for callgrind_annotate) instead of deleted. */
const KEEP = process.env.BENCH_INSTRUCTIONS_KEEP;
const dir = mkdtempSync(join(tmpdir(), 'footfall-callgrind-'));

async function count(framework: string, mode: string, consumers: number, sink: SinkProcess, env: Record<string, string> = {}): Promise<number> {
  const out = join(dir, `${framework}-${mode}-${consumers}-${Object.keys(env).join('')}.%p`);
  const server = await startServerProcess(framework, mode, sink.url, { BENCH_CONSUMERS: String(consumers), ...env }, ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`]);
  await autocannon({ url: `${server.url}/v1/users/42`, connections: 10, amount: WARM_UP, timeout: 60 });
  execFileSync('callgrind_control', ['--zero', String(server.pid)], { stdio: 'ignore' });
  await autocannon({ url: `${server.url}/v1/users/42?fields=name`, connections: 10, amount: REQUESTS, timeout: 60 });
  execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
  server.stop();
  const prefix = `${framework}-${mode}-${consumers}-${Object.keys(env).join('')}.`;
  const dumps = readdirSync(dir).filter((name) => name.startsWith(prefix));
  let total = 0;
  for (const name of dumps) {
    const found = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, name), 'utf8'));
    total = Math.max(total, Number(found?.[1] ?? 0));
    if (KEEP !== undefined) copyFileSync(join(dir, name), join(KEEP, name));
    rmSync(join(dir, name));
  }
  return total / REQUESTS;
}

spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const sink = await startSinkProcess('ok');
const rows: string[] = [];
const floors: string[] = [];
const k = (n: number) => `${(n / 1000).toFixed(1)}k`;
for (const framework of FRAMEWORKS) {
  const bare = await count(framework, 'bare', 1, sink);
  // The floor: a raw 'finish' listener and a hand-written sender (bench/http-server.ts), the least
  // an adapter and a sender together can add; hooked on node:http, so alike under every framework.
  const floor = await count(framework, 'floor', 1, sink);
  floors.push(`| ${framework} | ${k(bare)} | +${k(floor - bare)} |`);
  console.error(floors.at(-1));
  if (ADAPTER_ONLY) {
    const adapter = await count(framework, 'adapter-only', 1, sink);
    rows.push(`| ${framework} | 1 | ${k(bare)} | +${k(adapter - bare)} | - | - | - | - |`);
    console.error(rows.at(-1));
    if (framework !== 'node') {
      // What the framework itself charges for one middleware (Fastify: onRequest hook) that does nothing: the least an adapter adds.
      const hook = await count(framework, 'bare', 1, sink, { BENCH_EMPTY_HOOK: '1' });
      floors.push(`| ${framework}, one empty ${framework === 'fastify' ? 'onRequest hook' : 'middleware'} (no Footfall) | ${k(bare)} | +${k(hook - bare)} |`);
      console.error(floors.at(-1));
    }
    continue;
  }
  for (const consumers of CONSUMERS) {
    const adapter = await count(framework, 'adapter-only', consumers, sink);
    const unsent = await count(framework, 'footfall', consumers, sink, { BENCH_NULL_TRANSPORT: '1' });
    // With 256 consumers a run this short (valgrind is ~50× slower) fills no consumer's batch of 25:
    // its sends would be the flush interval's partial ones, not the steady state. bench/http measures them.
    const full = consumers === 1 ? await count(framework, 'footfall', consumers, sink) : undefined;
    const all = full ?? unsent;
    rows.push(`| ${framework} | ${consumers} | ${k(bare)} | +${k(adapter - bare)} | +${k(unsent - adapter)} | ${full === undefined ? '-' : `+${k(full - unsent)}`} | **+${k(all - bare)}** (${(((all - bare) / bare) * 100).toFixed(1)}%) | **${((bare / all) * 100).toFixed(1)}%** |`);
    console.error(rows.at(-1));
  }
}
sink.stop();
rmSync(dir, { recursive: true, force: true });

const body = [
  '## bench/instructions: the request path in instructions (callgrind)',
  '',
  `Command: \`npm run bench:instructions\`. ${machine()}. Each server runs under \`valgrind --tool=callgrind\` its counters zeroed, then dumped after exactly ${REQUESTS.toLocaleString('en-US')} requests (\`GET /v1/users/:id\`, 10 connections) after ${WARM_UP.toLocaleString('en-US')} of warm-up; figures are user-space instructions per request (all threads, GC helpers included), whatever else the machine does: a bare app's count repeats within ~1 % across runs and builds, while one difference can move by up to ~70k instructions with V8's concurrent compiler and GC timing (a negative "+ send" is that noise). Modes as in bench/stages: the adapter recording into a tracker whose \`track()\` does nothing; the real tracker with an in-memory transport; everything, GA4 to a local sink. "Kept" is bare ÷ with Footfall: the throughput a CPU-bound server keeps, leaving out the kernel's share of sending.`,
  '',
  'With 256 consumers the send is left out (\'-\'; "in all" and "kept" are then without it): a run this short under valgrind fills no consumer\'s batch.',
  '',
  '| framework | consumers | bare, per request | + adapter | + track, build, encode | + send (user space) | Footfall in all | kept |',
  '|---|--:|--:|--:|--:|--:|--:|--:|',
  ...rows,
  '',
  'The floor (mode `floor` of bench/http-server.ts): a raw `finish` listener on the node:http server, three facts held, one JSON body every 25 requests over a kept-alive undici pool — the least any in-process sender, adapter included, can add. Compare it with "Footfall in all".',
  '',
  '| framework | bare, per request | floor |',
  '|---|--:|--:|',
  ...floors,
].join('\n');
if (process.env.BENCH_NO_WRITE !== '1') writeSection('instructions', body);
console.log(body);
