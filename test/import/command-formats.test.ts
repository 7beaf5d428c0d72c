import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { cli, cliWith } from '../helpers/cli.js';
import { combinedSample, NGINX_FORMAT, ROUTES, type SampleFormat } from './log-samples.js';

const env = { FOOTFALL_HASH_KEY: 'import-formats-key-0123456789' };
const dir = mkdtempSync(join(tmpdir(), 'footfall-import-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const routes = join(dir, 'routes.json');
writeFileSync(routes, JSON.stringify(ROUTES));

const FORMATS: { format: SampleFormat; spec: string }[] = [
  { format: 'combined', spec: 'auto' },
  { format: 'common', spec: 'auto' },
  { format: 'nginx', spec: `nginx:${NGINX_FORMAT}` },
  { format: 'json', spec: 'auto' },
  { format: 'alb', spec: 'auto' },
];

describe('footfall import, then footfall report, in every format', () => {
  for (const { format, spec } of FORMATS) {
    it(`${format}: gzip, CRLF and no final newline; the report's counts, consumers and unused endpoints are the lines'`, async () => {
      const sample = combinedSample({ format, lines: 1000, seed: 21 });
      const gz = join(dir, `${format}.log.gz`);
      const crlf = join(dir, `${format}-crlf.log`);
      const half = sample.lines.length / 2;
      writeFileSync(gz, gzipSync(`${sample.lines.slice(0, half).join('\n')}\n`));
      writeFileSync(crlf, sample.lines.slice(half).join('\r\n'));
      const db = join(dir, `${format}.db`);
      const out = await cliWith({ env }, 'import', gz, crlf, '--routes', routes, '--db', db, '--format', spec, '--json');
      assert.equal(out.code, 0, out.stderr);
      const summary = JSON.parse(out.stdout) as { linesRead: number; malformed: number; formats: Record<string, number> };
      assert.equal(summary.linesRead, 1000);
      assert.equal(summary.malformed, sample.malformed);
      assert.equal(Object.values(summary.formats).reduce((a, b) => a + b, 0), 1000 - sample.malformed);
      const report = await cli('report', '--db', db, '--since', '2026-01-01', '--format', 'json');
      assert.equal(report.code, 0, report.stderr);
      const parsed = JSON.parse(report.stdout) as { endpoints: { method: string; route: string; hits: number; clients: number }[]; unused: { method: string; route: string }[] };
      assert.deepEqual(
        new Map(parsed.endpoints.map((e) => [`${e.method} ${e.route}`, { hits: e.hits, clients: e.clients }])),
        new Map([...sample.expected].map(([key, e]) => [key, { hits: e.hits, clients: e.consumers.size }])),
      );
      assert.deepEqual(parsed.unused.map((u) => `${u.method} ${u.route}`).sort(), [...sample.unused].sort());
      const stored = readFileSync(db).toString('latin1');
      for (const secret of sample.secrets) assert.ok(!stored.includes(secret), `${secret} is not in the store`);
    });
  }
});
