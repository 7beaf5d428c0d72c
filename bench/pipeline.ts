// bench/pipeline: CPU per hit through the whole engine in one process — track(), the ring
// buffer, grouping by consumer and holding for company, building, encoding, the sender's
// layers — to a transport that answers at once (no socket: bench/delivery and bench/http
// measure sending). One consumer and 256 (GA4 takes one consumer a request, so 256 consumers
// means 256 groups held at once). The event loop turns every 20 hits, as it would between
// requests. Run: `npm run bench:pipeline` (writes docs/benchmarks.md). BENCH_BASELINE_DIST=<another
// build's dist> runs the same on that build, alternating, for a ratio from one run.
import { median } from './measure.js';
import { machine, writeSection } from './report.js';
import { instantTransport, loadBaseline, loadFootfall } from './built.js';

type Library = Awaited<ReturnType<typeof loadFootfall>>;
const current = await loadFootfall();
const loaded = await loadBaseline();
const baselineDir = loaded?.dir;
const baseline = loaded?.library;
const HITS = 200_000;
const ROUNDS = Number(process.env.BENCH_PIPELINE_ROUNDS ?? 5);
const turn = () => new Promise((done) => setImmediate(done));

/** CPU µs (user + system) per hit for `hits` hits from `consumers` consumers; throws unless every hit was sent. */
async function run({ createTracker, ga4 }: Library, consumers: number, hits: number): Promise<number> {
  const tracker = createTracker({
    destination: ga4({ measurementId: 'G-BENCH123', apiSecret: 's', endpoint: 'http://127.0.0.1:9/mp/collect' }),
    hashKey: 'bench-key-0123456789abcdef',
    flushOnExit: false,
    transport: instantTransport,
  });
  const started = process.cpuUsage();
  for (let i = 0; i < hits; i++) {
    // What the node:http adapter hands over for `GET /v1/users/42?fields=name`.
    tracker.track({
      method: 'GET', url: '/v1/users/42?fields=name', route: '/v1/users/:id', status: 200, durationMs: 0.3 + (i % 7) / 10, protocol: 'http', clientIp: '127.0.0.1',
      userId: consumers > 1 ? `consumer-${i % consumers}` : undefined,
      headers: { host: '127.0.0.1:3000', userAgent: 'autocannon', referrer: undefined, forwardedHost: undefined, forwardedProto: undefined, forwardedFor: undefined },
    });
    if (i % 20 === 19) await turn();
  }
  await tracker.flush();
  const used = process.cpuUsage(started);
  const stats = tracker.stats();
  await tracker.close();
  if (stats.sent !== hits) throw new Error(`sent ${stats.sent} of ${hits}: ${JSON.stringify(stats)}`);
  return (used.user + used.system) / hits;
}

const rows: string[] = [];
for (const consumers of [1, 256]) {
  await run(current, consumers, 50_000);
  if (baseline !== undefined) await run(baseline, consumers, 50_000);
  const now: number[] = [];
  const before: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    now.push(await run(current, consumers, HITS));
    if (baseline !== undefined) before.push(await run(baseline, consumers, HITS));
  }
  const ours = median(now);
  const theirs = median(before);
  rows.push(`| ${consumers} | ${ours.toFixed(2)} | ${baseline === undefined ? '-' : `${theirs.toFixed(2)} | ${(theirs / ours).toFixed(2)}×`} |`);
  console.error(rows.at(-1));
}
const body = [
  '## bench/pipeline: CPU per hit through the engine, in one process',
  '',
  `Command: \`npm run bench:pipeline\`${baseline === undefined ? '' : ` with \`BENCH_BASELINE_DIST=${baselineDir ?? ''}\``}. ${machine()}. ${HITS.toLocaleString('en-US')} hits a run, median of ${ROUNDS}${baseline === undefined ? '' : ', this build and the baseline alternating'}: track(), grouping and holding for company, building, encoding and the sender's layers, to a transport that answers at once (no socket). CPU is \`process.cpuUsage()\` of the whole process (GC included).`,
  '',
  baseline === undefined ? '| consumers | µs CPU per hit | |' : '| consumers | µs CPU per hit | baseline | baseline ÷ this build |',
  baseline === undefined ? '|--:|--:|--|' : '|--:|--:|--:|--:|',
  ...rows,
].join('\n');
writeSection('pipeline', body);
console.log(body);
