// bench/encode: what turning one request into a GA4 hit costs, side by side with a
// baseline in the same run. Run: `npm run bench` (writes docs/benchmarks.md).
import { resolveHitOptions } from '../src/hit-options.js';
import { toHit } from '../src/core/to-hit.js';
import type { RequestInfo } from '../src/core/request-info.js';
import { encodeGa4 } from '../src/protocols/ga4/encode.js';
import { validateGa4 } from '../src/protocols/ga4/validate.js';
import { measure } from './measure.js';
import { machine, writeSection } from './report.js';

const N = 2000;
/** Distinct consumers in the realistic mix: an API's callers repeat. */
const CONSUMERS = 40;
const NOW = Date.now();
const context = resolveHitOptions({ hashKey: 'bench-key-0123456789abcdef', now: () => NOW });
const infos: RequestInfo[] = Array.from({ length: N }, (_, i) => ({
  method: i % 4 === 0 ? 'POST' : 'GET',
  url: `/v1/users/${1000 + i}?fields=name,email&page=${i % 7}&api_key=sk_${i}`,
  route: '/v1/users/:id',
  status: i % 50 === 0 ? 404 : 200,
  durationMs: 3 + (i % 40) / 3,
  timestampMs: NOW - (N - i),
  clientIp: `198.51.${i % CONSUMERS}.7`,
  userId: i % CONSUMERS < 10 ? `user-${i % CONSUMERS}` : undefined,
  headers: { host: 'api.example.com', userAgent: `client/${i % CONSUMERS}.0 (bench)`, referrer: 'https://app.example.com/dash?x=1' },
}));
/** The worst case for GA4 batching: every request from another consumer, one event per body. */
const loners = infos.map((info, i) => ({ ...info, clientIp: `203.0.${i % 250}.1`, userId: `loner-${i}` }));
const hits = infos.map((info) => toHit(info, context));
const payloads = encodeGa4(hits, { nowMs: NOW }).requests.filter((r) => r.hits.length === 25).map((r) => r.body);

let sink = 0;
const results = measure([
  { name: 'baseline: JSON.stringify(request info)', run: () => { for (const info of infos) sink += JSON.stringify(info).length; return N; } },
  { name: 'toHit', run: () => { for (const info of infos) sink += toHit(info, context).path.length; return N; } },
  { name: `toHit + encodeGa4, ${CONSUMERS} consumers (per hit)`, run: () => { sink += encodeGa4(infos.map((info) => toHit(info, context)), { nowMs: NOW }).requests.length; return N; } },
  { name: 'toHit + encodeGa4, a new consumer per request (per hit)', run: () => { sink += encodeGa4(loners.map((info) => toHit(info, context)), { nowMs: NOW }).requests.length; return N; } },
  { name: 'validateGa4 (per 25-event payload)', run: () => { for (const body of payloads) sink += validateGa4(body, { nowMs: NOW }).validationMessages.length; return payloads.length; } },
]);
if (sink === 0) console.log('');

const base = results[0]?.nsPerOp ?? 1;
const rows = results.map((r) => `| ${r.name} | ${(r.nsPerOp / 1000).toFixed(2)} µs | ${(r.nsPerOp / base).toFixed(2)}× |`);
const perHit = results[2]?.nsPerOp ?? Number.NaN;
const body = [
  '## bench/encode: building and encoding hits',
  '',
  `Command: \`npm run bench\`. ${machine()}. ${N} distinct requests (ids in paths, query values to drop, 10 consumers with user ids and 30 anonymous), median of 9 interleaved rounds.`,
  '',
  '| task | time per operation | ratio to baseline |',
  '|---|---|---|',
  ...rows,
  '',
  `Goal: toHit + GA4 encoding under 3 µs per hit on this machine: **${perHit < 3000 ? 'met' : 'NOT met'}** (${(perHit / 1000).toFixed(2)} µs). Absolute times drift with the machine's load; the ratio column is the figure to compare between runs.`,
].join('\n');
writeSection('encode', body);
console.log(body);
