// bench/memory: 1 000 000 hits tracked against a collector that never answers, with the
// default bounds. Resident memory must stay within 100 MB of the idle baseline and every hit
// must be accounted for. Run: `npm run bench:memory` (needs --expose-gc, as the script passes).
import { machine, writeSection } from './report.js';
import { startSinkProcess } from './sink.js';
import { loadFootfall } from './built.js';

const { createTracker, ga4 } = await loadFootfall();

const HITS = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => bytes / 1_048_576;
const sink = await startSinkProcess('hang');
process.removeAllListeners('warning'); // FFWRN004 is expected here

const tracker = createTracker({
  destination: ga4({ measurementId: 'G-BENCH123', apiSecret: 's', endpoint: `${sink.url}/mp/collect` }),
  hashKey: 'bench-key-0123456789abcdef',
  flushOnExit: false,
});
gc();
const baseline = process.memoryUsage().rss;
let peak = baseline;
for (let i = 0; i < HITS; i++) {
  tracker.track({ method: 'GET', url: `/v1/users/${i}?fields=name`, route: '/v1/users/:id', status: 200, durationMs: 3, clientIp: `198.51.${i % 250}.9`, headers: { host: 'api.example.com', userAgent: `client/${i % 100}` } });
  if (i % 10_000 === 9_999) {
    await new Promise((resolve) => setImmediate(resolve));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
}
const stats = tracker.stats();
const exact = stats.tracked === HITS && stats.tracked === stats.sent + stats.failed + stats.dropped + stats.pending && stats.dropped === stats.droppedByReason.queue_full + stats.droppedByReason.queue_bytes_full;
await tracker.close({ timeoutMs: 0 });
sink.stop();
const growth = mb(peak - baseline);
const body = [
  '## bench/memory: a collector that never answers',
  '',
  `Command: \`npm run bench:memory\`. ${machine()}. ${HITS.toLocaleString('en-US')} hits tracked with the default bounds (10 000 hits, 8 MiB, at most 64 requests in flight) against a sink that accepts requests and never answers.`,
  '',
  '| measure | value |',
  '|---|---|',
  `| resident memory, idle baseline | ${mb(baseline).toFixed(1)} MB |`,
  `| peak growth above it while tracking | ${growth.toFixed(1)} MB |`,
  `| tracked / pending / dropped (queue_full) / sent / failed | ${stats.tracked} / ${stats.pending} / ${stats.droppedByReason.queue_full} / ${stats.sent} / ${stats.failed} |`,
  `| accounting exact (tracked = sent + failed + dropped + pending) | ${exact ? 'yes' : 'NO'} |`,
  '',
  `Goal: within 100 MB of the baseline with exact drop counts: **${growth <= 100 && exact ? 'met' : 'NOT met'}**.`,
].join('\n');
writeSection('memory', body);
console.log(body);
