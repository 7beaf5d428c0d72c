import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/run.js';
import { cli, cliWith } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';
import { combinedSample, ROUTES, type Sample } from './log-samples.js';

const KEY = 'import-command-key-0123456789';
const env = { FOOTFALL_HASH_KEY: KEY };
const dir = mkdtempSync(join(tmpdir(), 'footfall-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const routes = join(dir, 'routes.json');
writeFileSync(routes, JSON.stringify(ROUTES));

/** Three files of one month: plain, gzip, and CRLF with no final newline; their expectations merged. */
function writeLogs(name: string): { glob: string; sample: Sample } {
  const a = combinedSample({ lines: 1500, seed: 1, dayMs: Date.UTC(2026, 10, 3) });
  const b = combinedSample({ lines: 1200, seed: 2, dayMs: Date.UTC(2026, 10, 4) });
  const c = combinedSample({ lines: 900, seed: 3, dayMs: Date.UTC(2026, 10, 5) });
  writeFileSync(join(dir, `${name}.log.1`), `${a.lines.join('\n')}\n`);
  writeFileSync(join(dir, `${name}.log.2.gz`), gzipSync(`${b.lines.join('\n')}\n`));
  writeFileSync(join(dir, `${name}.log.3`), c.lines.join('\r\n'));
  return { glob: join(dir, `${name}.log.*`), sample: merge([a, b, c]) };
}

function merge(samples: Sample[]): Sample {
  const expected = new Map<string, { hits: number; consumers: Set<string> }>();
  for (const sample of samples) {
    for (const [key, value] of sample.expected) {
      const entry = expected.get(key) ?? { hits: 0, consumers: new Set<string>() };
      entry.hits += value.hits;
      for (const consumer of value.consumers) entry.consumers.add(consumer);
      expected.set(key, entry);
    }
  }
  const used = new Set(expected.keys());
  const unused = ROUTES.filter((r) => r.route !== '/health' && !used.has(`${r.method} ${r.route}`)).map((r) => `${r.method} ${r.route}`);
  return {
    lines: samples.flatMap((s) => s.lines),
    expected,
    unused,
    malformed: samples.reduce((sum, s) => sum + s.malformed, 0),
    skipped: samples.reduce((sum, s) => sum + s.skipped, 0),
    secrets: samples.flatMap((s) => s.secrets),
  };
}

interface Summary {
  linesRead: number;
  imported: number;
  duplicates: number;
  unmatched: number;
  malformed: number;
  malformedExamples: { file: string; lineNumber: number; reason: string }[];
  skipped: Record<string, number>;
  formats: Record<string, number>;
  interrupted: boolean;
}

const hitsOf = (sample: Sample) => [...sample.expected.values()].reduce((sum, e) => sum + e.hits, 0);

async function assertReport(db: string, sample: Sample): Promise<void> {
  const out = await cli('report', '--db', db, '--since', '2026-01-01', '--format', 'json');
  assert.equal(out.code, 0, out.stderr);
  const report = JSON.parse(out.stdout) as { endpoints: { method: string; route: string; hits: number; clients: number }[]; unused: { method: string; route: string }[] };
  const got = new Map(report.endpoints.map((e) => [`${e.method} ${e.route}`, { hits: e.hits, clients: e.clients }]));
  const want = new Map([...sample.expected].map(([key, e]) => [key, { hits: e.hits, clients: e.consumers.size }]));
  assert.deepEqual(got, want);
  // The inventory was stored by the import (--routes), so the report shows unused endpoints without --routes.
  assert.deepEqual(report.unused.map((u) => `${u.method} ${u.route}`).sort(), [...sample.unused].sort());
}

describe('footfall import --db (SQLite)', () => {
  it('imports plain, gzip and CRLF files by glob; the report shows the counts, consumers and unused endpoints computed from the lines', async () => {
    const { glob, sample } = writeLogs('month');
    const db = join(dir, 'month.db');
    const out = await cliWith({ env }, 'import', glob, '--routes', routes, '--db', db, '--json');
    assert.equal(out.code, 0, out.stderr);
    const summary = JSON.parse(out.stdout) as Summary;
    assert.equal(summary.linesRead, 3600);
    assert.equal(summary.imported, hitsOf(sample));
    assert.equal(summary.malformed, sample.malformed);
    assert.equal(summary.unmatched, sample.expected.get('GET (unmatched)')?.hits);
    assert.equal((summary.skipped.options ?? 0) + (summary.skipped.health_check ?? 0), sample.skipped);
    assert.deepEqual(summary.formats, { combined: 3600 - sample.malformed });
    assert.equal(summary.malformedExamples.length, 5);
    assert.deepEqual(summary.malformedExamples[0], { file: join(dir, 'month.log.1'), lineNumber: 14, reason: summary.malformedExamples[0]?.reason });
    await assertReport(db, sample);
    const bytes = readFileSync(db).toString('latin1');
    for (const secret of sample.secrets) assert.ok(!bytes.includes(secret), `${secret} is not in the store`);
  });

  it('a second import of the same files adds nothing', async () => {
    const { glob, sample } = writeLogs('twice');
    const db = join(dir, 'twice.db');
    assert.equal((await cliWith({ env }, 'import', glob, '--routes', routes, '--db', db, '--quiet')).code, 0);
    const again = await cliWith({ env }, 'import', glob, '--routes', routes, '--db', db, '--json');
    const summary = JSON.parse(again.stdout) as Summary;
    assert.equal(summary.imported, 0);
    assert.equal(summary.duplicates, hitsOf(sample));
    await assertReport(db, sample);
  });

  it('writes to $FOOTFALL_DB when --db is not given (as collector and report do), its progress kept next to it; --db still wins', async () => {
    const { glob, sample } = writeLogs('fromenv');
    const db = join(dir, 'fromenv.db');
    const out = await cliWith({ env: { ...env, FOOTFALL_DB: db } }, 'import', glob, '--routes', routes, '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as Summary).imported, hitsOf(sample));
    await assertReport(db, sample);
    assert.equal(existsSync(`${db}.import-state.json`), true);
    const other = join(dir, 'fromflag.db');
    const flag = await cliWith({ env: { ...env, FOOTFALL_DB: db } }, 'import', glob, '--routes', routes, '--db', other, '--json');
    assert.equal((JSON.parse(flag.stdout) as Summary).imported, hitsOf(sample));
    await assertReport(other, sample);
  });

  it('an interrupted import, run again with --resume, gives the totals of one clean run', async () => {
    const { glob, sample } = writeLogs('resumed');
    const db = join(dir, 'resumed.db');
    let stdout = '';
    // Stopped at once (as by Ctrl-C): the import stops after the first batch it read, its progress recorded.
    const code = await runCli(['import', glob, '--routes', routes, '--db', db, '--json'], { stdout: (t) => void (stdout += t), stderr: () => undefined, env, untilStopped: () => Promise.resolve() });
    assert.equal(code, 1);
    const first = JSON.parse(stdout) as Summary;
    assert.equal(first.interrupted, true);
    assert.ok(first.linesRead > 0 && first.linesRead < 3600, `stopped early (${first.linesRead} lines)`);
    const second = await cliWith({ env }, 'import', glob, '--routes', routes, '--db', db, '--resume', '--json');
    assert.equal(second.code, 0, second.stderr);
    const rest = JSON.parse(second.stdout) as Summary;
    assert.equal(first.linesRead + rest.linesRead, 3600);
    assert.equal(rest.duplicates, 0);
    assert.equal(first.imported + rest.imported, hitsOf(sample));
    await assertReport(db, sample);
  });

  it('reads standard input (-) in a real process and prints the summary', async () => {
    const sample = combinedSample({ lines: 400, seed: 9 });
    const db = join(dir, 'stdin.db');
    const out = await runFootfall(['import', '-', '--routes', routes, '--db', db], { stdin: `${sample.lines.join('\n')}\n`, env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /footfall import: 400 lines read/);
    assert.match(out.stdout, new RegExp(`imported +${hitsOf(sample)}\\b`));
    assert.match(out.stdout, /formats +combined \d+/);
    await assertReport(db, sample);
  });

  it('refuses usage errors with exit 2, naming the flag or variable', async () => {
    const log = join(dir, 'usage.log');
    writeFileSync(log, `${combinedSample({ lines: 10 }).lines.join('\n')}\n`);
    const noKey = await cliWith({}, 'import', log, '--db', join(dir, 'x.db'));
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /FOOTFALL_HASH_KEY/);
    const both = await cliWith({ env }, 'import', log, '--db', join(dir, 'x.db'), '--to', 'http://127.0.0.1:9');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--to and --db/);
    const stdinResume = await cliWith({ env }, 'import', '-', '--resume');
    assert.equal(stdinResume.code, 2);
    assert.match(stdinResume.stderr, /--resume/);
    const format = await cliWith({ env }, 'import', log, '--format', 'apache-xml', '--db', join(dir, 'x.db'));
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format/);
    const missing = await cliWith({ env }, 'import', join(dir, 'nope.log'), '--db', join(dir, 'x.db'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.log/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack');
  });
});
