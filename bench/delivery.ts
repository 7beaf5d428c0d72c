// bench/delivery: hits per second delivered over loopback to a local sink (another process),
// batched (25 events a request) against one request per hit, as the seed did, in one run.
// Run: `npm run bench:delivery` (writes docs/benchmarks.md). With BENCH_BASELINE_DIST=<another
// build's dist folder> (e.g. a worktree of an older commit, built), the batched workload also
// runs on that build, alternating with this one in the same process against the same sink.
import { machine, writeSection } from './report.js';
import { startSinkProcess } from './sink.js';
import { loadBaseline, loadFootfall } from './built.js';

type Library = Awaited<ReturnType<typeof loadFootfall>>;
const current = await loadFootfall();
const loaded = await loadBaseline();
const baselineDir = loaded?.dir;
const baseline = loaded?.library;

const sink = await startSinkProcess('ok');

async function run(name: string, hits: number, clientId: 'auto' | 'random', { createTracker, ga4 }: Library = current): Promise<{ name: string; hits: number; perSecond: number; requests: number }> {
  const tracker = createTracker({
    destination: ga4({ measurementId: 'G-BENCH123', apiSecret: 's', endpoint: `${sink.url}/mp/collect` }),
    hashKey: 'bench-key-0123456789abcdef',
    clientId,
    maxQueueSize: 50_000,
    maxInFlight: 8,
    flushOnExit: false,
  });
  const before = await sink.requests();
  const start = process.hrtime.bigint();
  for (let i = 0; i < hits; i++) {
    tracker.track({ method: 'GET', url: `/v1/users/${i}`, route: '/v1/users/:id', status: 200, durationMs: 3, userId: `consumer-${i % 40}` });
    if (i % 5000 === 4999) await tracker.flush();
  }
  await tracker.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = tracker.stats();
  await tracker.close();
  if (stats.sent !== hits) throw new Error(`${name}: sent ${stats.sent} of ${hits}: ${JSON.stringify(stats)}`);
  return { name, hits, perSecond: hits / seconds, requests: (await sink.requests()) - before };
}

// Warm up both paths, then measure them alternately, three times each; keep the medians.
await run('warm-up', 5000, 'auto');
await run('warm-up', 1000, 'random');
if (baseline !== undefined) await run('warm-up', 5000, 'auto', baseline);
const batched: number[] = [];
const single: number[] = [];
const batchedBaseline: number[] = [];
let requests = { batched: 0, single: 0 };
for (let i = 0; i < 3; i++) {
  const b = await run('batched', 100_000, 'auto');
  if (baseline !== undefined) batchedBaseline.push((await run('batched, baseline', 100_000, 'auto', baseline)).perSecond);
  const s = await run('one request per hit', 10_000, 'random');
  batched.push(b.perSecond);
  single.push(s.perSecond);
  requests = { batched: b.requests, single: s.requests };
}
sink.stop();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;
const b = median(batched);
const s = median(single);
const body = [
  '## bench/delivery: hits per second to a local sink',
  '',
  `Command: \`npm run bench:delivery\`. ${machine()}. The sink is a node:http server in another process answering 204; the tracker uses its defaults but \`maxInFlight: 8\`, and flushes every 5 000 hits. Median of 3 alternating runs.`,
  '',
  '| mode | hits | requests | hits/s | ratio |',
  '|---|---|---|---|---|',
  `| batched: 40 consumers, up to 25 events a request | 100 000 | ${requests.batched} | ${Math.round(b).toLocaleString('en-US')} | ${(b / s).toFixed(1)}× |`,
  `| one request per hit (\`clientId: 'random'\`, the seed's way) | 10 000 | ${requests.single} | ${Math.round(s).toLocaleString('en-US')} | 1.0× |`,
  ...(baseline === undefined ? [] : [`| batched, on the baseline build (\`${baselineDir ?? ''}\`), alternating with the row above | 100 000 | | ${Math.round(median(batchedBaseline)).toLocaleString('en-US')} | ${(median(batchedBaseline) / s).toFixed(1)}× (this build: ${(b / median(batchedBaseline)).toFixed(2)}× the baseline) |`]),
  '',
  `Goal: at least 50 000 hits/s batched: **${b >= 50_000 ? 'met' : 'NOT met'}**.`,
].join('\n');
writeSection('delivery', body);
console.log(body);
