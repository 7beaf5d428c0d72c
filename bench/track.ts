// bench/track: the cost of one track() call on the request path, side by side with pushing
// the same object onto an array. Run: `npm run bench:track` (writes docs/benchmarks.md).
import { measureAsync } from './measure.js';
import { machine, writeSection } from './report.js';
import { instantTransport, loadFootfall } from './built.js';

const { createTracker, ga4 } = await loadFootfall();

const CALLS = 5000;
const tracker = createTracker({ destination: ga4({ measurementId: 'G-BENCH123', apiSecret: 's' }), hashKey: 'bench-key-0123456789abcdef', transport: instantTransport, maxQueueSize: 1_000_000, maxQueueBytes: 1_000_000_000, flushIntervalMs: 3_600_000, flushOnExit: false });
const inputs = Array.from({ length: CALLS }, (_, i) => ({ method: 'GET', url: `/v1/users/${i}?fields=name`, route: '/v1/users/:id', status: 200, durationMs: 4.2, clientIp: '203.0.113.9', headers: { host: 'api.example.com', userAgent: 'curl/8.5.0' } }));
let sink: unknown[] = [];

const results = await measureAsync([
  { name: 'baseline: array.push(input)', run: () => { sink = []; for (const input of inputs) sink.push(input); return CALLS; } },
  { name: 'tracker.track(input)', run: () => { for (const input of inputs) tracker.track(input); return CALLS; } },
], 15);
await tracker.close({ timeoutMs: 1000 });

const base = results[0]?.nsPerOp ?? 1;
const trackNs = results[1]?.nsPerOp ?? Number.NaN;
const body = [
  '## bench/track: one track() call',
  '',
  `Command: \`npm run bench:track\`. ${machine()}. ${CALLS} calls a round, median of 15 interleaved rounds; between rounds (untimed) the background drains to an in-memory transport, as it would between requests.`,
  '',
  '| task | time per call | ratio to baseline |',
  '|---|---|---|',
  ...results.map((r) => `| ${r.name} | ${(r.nsPerOp / 1000).toFixed(3)} µs | ${(r.nsPerOp / base).toFixed(1)}× |`),
  '',
  `Goal: median under 1 µs: **${trackNs < 1000 ? 'met' : 'NOT met'}** (${(trackNs / 1000).toFixed(3)} µs).`,
].join('\n');
writeSection('track', body);
console.log(body);
