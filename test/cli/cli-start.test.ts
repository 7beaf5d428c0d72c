// `footfall report` and `footfall --help` load only what they use: undici (a tenth of a second
// of start here) and tinyglobby's picomatch load when a command posts or imports, not with every
// command. bench/pg-report's CLI time is Node's start plus this plus the report's queries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import { runFootfall } from '../helpers/cli-process.js';

/** A module for `node --import` that prints, at exit, the CommonJS packages loaded from node_modules (undici and picomatch are CommonJS). */
const REPORT_LOADED = `data:text/javascript,${encodeURIComponent(`
import { createRequire } from 'node:module';
const cache = createRequire(process.cwd() + '/').cache;
process.on('exit', () => {
  const packages = new Set(Object.keys(cache).map((path) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(path)?.[1]).filter(Boolean));
  process.stderr.write('LOADED ' + JSON.stringify([...packages].sort()) + '\\n');
});`)}`;

const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** A store with one hit, for a report that runs to the end. */
function storeFile(): string {
  const file = join(dir, 'hits.db');
  const store = createSqliteStore({ file });
  store.insert([{ timeMs: Date.now() - 60_000, protocol: 'ga4', method: 'GET', route: '/v1/x', client: 'c1', eventName: 'page_view', status: 200 }], Date.now());
  store.close();
  return file;
}

async function loadedBy(args: readonly string[], expectedCode = 0): Promise<string[]> {
  const { code, stdout, stderr } = await runFootfall(args, { nodeArgs: ['--import', REPORT_LOADED] });
  assert.equal(code, expectedCode, stderr);
  if (args[0] === 'report') assert.match(stdout, /"\/v1\/x"/, 'the report ran to the end');
  const line = /^LOADED (.*)$/m.exec(stderr)?.[1];
  assert.ok(line !== undefined, `the hook printed what was loaded: ${stderr}`);
  return JSON.parse(line) as string[];
}

describe('CLI start: commands load what they use', () => {
  for (const args of [['--help'], ['report', '--db', 'FILE', '--format', 'json']]) {
    it(`footfall ${args.join(' ')} loads neither undici nor picomatch`, async () => {
      const loaded = await loadedBy(args.map((arg) => (arg === 'FILE' ? storeFile() : arg)));
      assert.ok(!loaded.includes('undici'), `undici loaded: ${loaded.join(', ')}`);
      assert.ok(!loaded.includes('picomatch'), `picomatch loaded: ${loaded.join(', ')}`);
    });
  }

  it('footfall send (to a closed port) loads undici when it posts (the hook sees it: the check above can fail)', async () => {
    const loaded = await loadedBy(['send', '--to', 'http://127.0.0.1:9/mp/collect', '--api-secret', 's', '--url', '/v1/x', '--timeout-ms', '200'], 1);
    assert.ok(loaded.includes('undici'), `loaded: ${loaded.join(', ')}`);
  });
});
