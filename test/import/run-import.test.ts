import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getFormat } from '../../src/collector/import/formats/index.js';
import { readLines } from '../../src/collector/import/read-lines.js';
import { loadResumeState } from '../../src/collector/import/resume-state.js';
import { runImport } from '../../src/collector/import/run-import.js';
import { createStoreSink } from '../../src/collector/import/store-sink.js';
import { createRecordToHit } from '../../src/collector/import/to-hit.js';
import { openStore } from '../../src/collector/store/open-store.js';
import { cli } from '../helpers/cli.js';
import { combinedSample, ROUTES, type Sample } from './log-samples.js';

const HASH_KEY = 'import-test-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'footfall-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function importInto(db: string, files: string[], extra: { signal?: AbortSignal; resume?: boolean; batchLines?: number; onBatch?: () => void } = {}) {
  const store = await openStore({ db });
  const sink = await createStoreSink(store, { routes: ROUTES, name: db });
  const write = sink.write.bind(sink);
  const counted = { ...sink, write: async (...args: Parameters<typeof write>) => {
    const result = await write(...args);
    extra.onBatch?.();
    return result;
  } };
  try {
    return await runImport({
      inputs: files,
      open: (source, options) => readLines(source, { ...options, chunkBytes: 16_384 }),
      formatFor: () => getFormat('combined'),
      toHit: createRecordToHit({ routes: ROUTES, hashKey: HASH_KEY }),
      sink: counted,
      state: loadResumeState(`${db}.import-state.json`),
      resume: extra.resume,
      batchLines: extra.batchLines ?? 500,
      signal: extra.signal,
    });
  } finally {
    await sink.close();
  }
}

interface ReportJson {
  endpoints: { method: string; route: string; hits: number; clients: number }[];
  unused: { method: string; route: string }[];
  hits: number;
}

async function report(db: string): Promise<ReportJson> {
  const out = await cli('report', '--db', db, '--routes', routesFile(), '--since', '2026-01-01', '--format', 'json');
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as ReportJson;
}

function routesFile(): string {
  const file = join(dir, 'routes.json');
  writeFileSync(file, JSON.stringify(ROUTES));
  return file;
}

function assertReportMatches(got: ReportJson, sample: Sample): void {
  const byKey = new Map(got.endpoints.map((e) => [`${e.method} ${e.route}`, e]));
  for (const [key, want] of sample.expected) {
    const endpoint = byKey.get(key);
    assert.ok(endpoint, `${key} is in the report`);
    assert.equal(endpoint.hits, want.hits, `${key} hits`);
    assert.equal(endpoint.clients, want.consumers.size, `${key} consumers`);
  }
  assert.equal(got.endpoints.length, sample.expected.size);
  assert.deepEqual(got.unused.map((u) => `${u.method} ${u.route}`).sort(), [...sample.unused].sort());
}

function writeSample(name: string, sample: Sample): string {
  const file = join(dir, name);
  writeFileSync(file, `${sample.lines.join('\n')}\n`);
  return file;
}

describe('runImport into SQLite', () => {
  const sample = combinedSample({ lines: 3000 });
  const expectedHits = [...sample.expected.values()].reduce((sum, e) => sum + e.hits, 0);

  it('imports per-endpoint counts, consumers and unused endpoints as computed from the lines', async () => {
    const db = join(dir, 'once.db');
    const summary = await importInto(db, [writeSample('once.log', sample)]);
    assert.equal(summary.linesRead, 3000);
    assert.equal(summary.malformed, sample.malformed);
    assert.equal(summary.imported, expectedHits);
    assert.equal(summary.unmatched, sample.expected.get('GET (unmatched)')?.hits);
    assert.equal((summary.skipped.options ?? 0) + (summary.skipped.health_check ?? 0), sample.skipped);
    assert.ok(summary.malformedExamples.length > 0 && summary.malformedExamples[0]?.lineNumber === 14);
    assertReportMatches(await report(db), sample);
  });

  it('adds nothing when the same file is imported again', async () => {
    const db = join(dir, 'twice.db');
    const file = writeSample('twice.log', sample);
    await importInto(db, [file]);
    const again = await importInto(db, [file]);
    assert.equal(again.imported, 0);
    assert.equal(again.duplicates, expectedHits);
    assertReportMatches(await report(db), sample);
  });

  it('an interrupted import, resumed, gives the totals of one clean run', async () => {
    const db = join(dir, 'resumed.db');
    const file = writeSample('resumed.log', sample);
    const stop = new AbortController();
    let batches = 0;
    const first = await importInto(db, [file], { signal: stop.signal, onBatch: () => void (++batches === 2 && stop.abort()) });
    assert.ok(first.linesRead < 3000, `stopped early (${first.linesRead} lines)`);
    const second = await importInto(db, [file], { resume: true });
    assert.equal(second.duplicates, 0, 'the resumed run starts after the last stored line');
    assert.equal(first.linesRead + second.linesRead, 3000);
    assert.equal(first.imported + second.imported, expectedHits);
    assertReportMatches(await report(db), sample);
  });

  it('stores no address and no query value of any line', async () => {
    const db = join(dir, 'private.db');
    await importInto(db, [writeSample('private.log', sample)]);
    const bytes = readFileSync(db).toString('latin1') + readFileSync(`${db}-wal`, { flag: 'a+' }).toString('latin1');
    for (const secret of sample.secrets) assert.ok(!bytes.includes(secret), `${secret} is not in the store`);
  });
});
