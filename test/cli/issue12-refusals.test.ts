// Issue 12: inputs that were accepted silently and meant something else.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import { isFootfallError } from '../../src/errors.js';
import { cli } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';

let dir: string;
let trailingComma: string;
let yamlInJson: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-refusals-'));
  // Both parse as YAML, which is how they were accepted.
  trailingComma = join(dir, 'routes.json');
  writeFileSync(trailingComma, '[\n  "GET /v1/items",\n  "GET /v1/items/:id",\n]\n');
  yamlInJson = join(dir, 'openapi.json');
  writeFileSync(yamlInJson, 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /items: { get: {} }\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('footfall collector --memory --db FILE', () => {
  it('is a usage error naming both flags, exit 2 (runCli)', async () => {
    const { code, stderr } = await cli('collector', '--memory', '--db', join(dir, 'x.db'), '--port', '0');
    assert.equal(code, 2);
    assert.match(stderr, /option '--memory' cannot be used with option '--db <file|url>'/);
  });

  it('is a usage error naming both flags, exit 2 (a real process)', async () => {
    const { code, stderr, timedOut } = await runFootfall(['collector', '--db', join(dir, 'y.db'), '--memory', '--port', '0'], { timeoutMs: 30_000 });
    assert.equal(timedOut, false);
    assert.equal(code, 2);
    assert.match(stderr, /option '--db <file|url>' cannot be used with option '--memory'|option '--memory' cannot be used with option '--db <file|url>'/);
  });

  it('startCollector({ memory: true, dbFile }) is refused too, naming the option', async () => {
    await assert.rejects(startCollector({ port: 0, memory: true, dbFile: join(dir, 'z.db'), output: 'none' }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /`dbFile` must be left out with `memory: true`/.test(error.message));
  });
});

describe('a .json routes file must be JSON', () => {
  it('a trailing comma, or YAML, in a .json file is refused with the JSON error and its position (runCli)', async () => {
    for (const [file, where] of [[trailingComma, /line 4, column 1: JSON parse error/], [yamlInJson, /line 1, column 1: JSON parse error/]] as const) {
      const { code, stderr } = await cli('report', '--db', join(dir, 'missing.db'), '--routes', file);
      assert.equal(code, 1);
      assert.match(stderr, /FOOTFALL_ERR_INVALID_ROUTES_FILE|could not be used/);
      assert.match(stderr, where);
      assert.match(stderr, /a \.json file must be JSON/);
    }
  });

  it('the same as a real process (footfall collector --routes)', async () => {
    const { code, stderr, timedOut } = await runFootfall(['collector', '--memory', '--port', '0', '--routes', trailingComma], { timeoutMs: 30_000 });
    assert.equal(timedOut, false);
    assert.equal(code, 1);
    assert.match(stderr, /routes\.json" could not be used: a \.json file must be JSON: line 4, column 1: JSON parse error/);
  });
});
