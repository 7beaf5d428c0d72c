// bench/sessions: what a consumer's session costs when an API has more consumers than
// `maxSessions` (10 000 by default), beside one that has fewer. The session store and the
// client-id memos were one Map each that evicted its first key, which V8 makes O(size) (a hole
// per deleted entry is walked until the map rehashes): 4.3-4.6 us a call at 50 000 consumers
// before, against 0.17-0.23 us after the generational bounded map (src/core/bounded-map.ts).
// At 50 000 consumers a call now costs a fraction of a microsecond: more than at 1 000 (cache
// misses, every call a miss that builds an entry), but no longer a walk over the map.
// Run: `npm run bench:sessions`. Writes the `sessions` section of docs/benchmarks.md.
import { createSessionStore } from '../src/core/session.js';
import { createMemo } from '../src/core/memo.js';
import { median } from './measure.js';
import { machine, writeSection } from './report.js';

const CALLS = 400_000;
const ROUNDS = 7;

function sessionsCost(consumers: number): number {
  const store = createSessionStore({ idleTimeoutMs: 1_800_000, maxSessions: 10_000 });
  const ids = Array.from({ length: consumers }, (_, i) => `${i + 1}.${i + 7}`);
  let at = 1_000_000;
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) store.sessionFor(ids[i % consumers] as string, (at += 3));
  return ((performance.now() - started) * 1000) / CALLS;
}

function memoCost(consumers: number): number {
  const memo = createMemo(10_000);
  const keys = Array.from({ length: consumers }, (_, i) => `10.0.${i >> 8}.${i & 255}|agent`);
  const compute = (key: string) => key;
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) memo(keys[i % consumers] as string, compute);
  return ((performance.now() - started) * 1000) / CALLS;
}

const rows: string[] = [];
for (const [name, cost] of [['session store (`sessionFor`)', sessionsCost], ['client-id memo (`createMemo`)', memoCost]] as const) {
  const few: number[] = [];
  const many: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    few.push(cost(1_000));
    many.push(cost(50_000));
  }
  const [a, b] = [median(few), median(many)];
  rows.push(`| ${name} | ${a.toFixed(3)} µs | ${b.toFixed(3)} µs | ${(b / a).toFixed(2)}× |`);
}

const body = `## bench/sessions: a consumer's session and id when an API has more consumers than maxSessions

Command: \`npm run bench:sessions\`. ${machine()}. ${CALLS.toLocaleString('en')} calls a run cycling through the consumers, medians of ${ROUNDS} interleaved rounds; \`maxSessions\` 10 000 (the default), so 50 000 consumers evict all the time.

| per call | 1 000 consumers | 50 000 consumers | ratio |
|---|--:|--:|--:|
${rows.join('\n')}

Before the generational bounded map, the session store took 4.3–4.6 µs a call at 50 000 consumers (a one-off side-by-side run of the old and new code, 8 passes over 50 000 ids: 4.636 / 4.314 µs before, 0.173 / 0.227 µs after).`;
writeSection('sessions', body);
console.log(body);
