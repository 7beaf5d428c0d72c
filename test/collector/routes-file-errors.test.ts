// Issue 13: each way a routes file cannot be used has its own message (what, where, how to fix).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadRoutesFile, parseRoutesDocument } from '../../src/collector/routes-file.js';
import { isFootfallError } from '../../src/errors.js';
import { cli } from '../helpers/cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-routes-errors-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The error `run` throws: a FootfallError with this code whose message matches every pattern. */
function assertRefused(run: () => unknown, code: string, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(run, (error: unknown) => {
    assert.ok(isFootfallError(error), `expected a FootfallError, got ${String(error)}`);
    assert.equal(error.code, code);
    message = error.message;
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
  return message;
}

const OPENAPI_HINT = /with a `paths` object/;
const UNREADABLE = 'FOOTFALL_ERR_ROUTES_FILE_UNREADABLE';
const SYNTAX = 'FOOTFALL_ERR_ROUTES_FILE_SYNTAX';

describe('a routes file that cannot be read', () => {
  it('missing: says so, with where it looked, and not the OpenAPI hint', () => {
    const message = assertRefused(() => loadRoutesFile(join(dir, 'nope.yaml')), UNREADABLE, /nope\.yaml/, /file not found/);
    assert.doesNotMatch(message, OPENAPI_HINT);
  });

  it('a directory: says so and asks for a file in it', () => {
    mkdirSync(join(dir, 'specs'), { recursive: true });
    const message = assertRefused(() => loadRoutesFile(join(dir, 'specs')), UNREADABLE, /is a directory/, /file inside it/);
    assert.doesNotMatch(message, OPENAPI_HINT);
  });

  it('over 20 MB, or gzip that decompresses to more: says the size and the limit', () => {
    const big = file('huge.yaml', '');
    truncateSync(big, 20 * 1024 * 1024 + 1); // sparse: no 20 MB written
    assertRefused(() => loadRoutesFile(big), UNREADABLE, /it is 20\.0 MB \(20971521 bytes\), more than the 20 MB a routes file may be/);
    const bomb = file('bomb.json.gz', gzipSync(Buffer.alloc(20 * 1024 * 1024 + 1, 0x20)));
    assertRefused(() => loadRoutesFile(bomb), UNREADABLE, /gzip that decompresses to more than the 20 MB/);
  });

  it('a gzip file (.json.gz) is read as what it holds', () => {
    const doc = { openapi: '3.0.3', info: { title: 'gz', version: '1' }, paths: { '/a': { get: {}, post: {} } } };
    assert.deepEqual(loadRoutesFile(file('openapi.json.gz', gzipSync(JSON.stringify(doc)))), [{ method: 'GET', route: '/a' }, { method: 'POST', route: '/a' }]);
    assert.deepEqual(loadRoutesFile(file('openapi.yaml.gz', gzipSync('openapi: 3.0.3\npaths:\n  /b: { put: {} }\n'))), [{ method: 'PUT', route: '/b' }]);
  });

  it('a broken gzip file, or a zip archive, says it is compressed and how to decompress', () => {
    assertRefused(() => loadRoutesFile(file('cut.json.gz', gzipSync('{"openapi":"3.0.3","paths":{}}').subarray(0, 12))), UNREADABLE, /gzip/, /could not be decompressed/);
    assertRefused(() => loadRoutesFile(file('spec.zip', Buffer.from('PK\u0003\u0004rest-of-a-zip'))), UNREADABLE, /a zip archive/, /unzip/);
  });
});

describe('a routes file that does not parse', () => {
  it('a truncated JSON file says it ends early, at its last line and column', () => {
    const text = '{\n  "openapi": "3.0.3",\n  "paths": {\n    "/a": {"get": {}}';
    assertRefused(() => loadRoutesFile(file('cut.json', text)), SYNTAX, /JSON/, /ends early at line 4, column 22/, /cut short/);
  });

  it('content that starts like JSON is JSON only: no YAML attempt, the JSON error is told', () => {
    assertRefused(() => parseRoutesDocument('{"openapi": "3.0.3", paths: {}}', 'spec'), SYNTAX, /line 1, column 22: JSON parse error/);
    assertRefused(() => parseRoutesDocument('["GET /a",]', 'list'), SYNTAX, /line 1, column 11: JSON parse error/);
  });

  it('a YAML tab error names YAML, the line and column, and the fix', () => {
    const text = 'openapi: 3.0.3\npaths:\n\t/a:\n\t\tget: {}\n';
    const message = assertRefused(() => loadRoutesFile(file('tabs.yaml', text)), SYNTAX, /YAML/, /line 3, column 1/, /tab/i);
    assert.doesNotMatch(message, OPENAPI_HINT);
  });
});

describe('a document that is not an inventory', () => {
  it('names the top-level keys it has', () => {
    assertRefused(() => parseRoutesDocument('name: my-app\nversion: 1.2.3\ndependencies: {}\n', 'package.yaml'), 'FOOTFALL_ERR_INVALID_ROUTES_FILE', /not an OpenAPI or Swagger document/, /keys "name", "version", "dependencies"/);
  });
});

describe('footfall report --routes (runCli)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'absent.json'), /file not found/],
    ['a directory', () => { mkdirSync(join(dir, 'd'), { recursive: true }); return join(dir, 'd'); }, /is a directory/],
    ['a truncated JSON', () => file('short.json', '[\n  "GET /a",\n  "GET /b"'), /ends early at line 3, column 11/],
    ['a YAML tab', () => file('tab.yml', 'paths:\n\t/a: {}\n'), /line 2, column 1: YAML parse error: Tab/],
  ];
  for (const [what, make, pattern] of cases) {
    it(`${what}: exit 1 and the message names the problem`, async () => {
      const { code, stderr } = await cli('report', '--db', join(dir, 'none.db'), '--routes', make());
      assert.equal(code, 1);
      assert.match(stderr, pattern);
    });
  }
});
