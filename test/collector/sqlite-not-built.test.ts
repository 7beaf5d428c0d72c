// Issue 11: with ignore-scripts=true in an app's .npmrc, better-sqlite3 is installed but never
// built, and the collector said "check that the directory exists". It now says to rebuild it.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isFootfallError, type FootfallError } from '../../src/errors.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('better-sqlite3/package.json'));

function thrown(fn: () => unknown): FootfallError {
  try {
    fn();
  } catch (error) {
    assert.ok(isFootfallError(error), String(error));
    return error;
  }
  assert.fail('expected a FootfallError');
}

describe('better-sqlite3 installed but not built', () => {
  let dir = '';
  let loadUnbuilt: (id: string) => unknown = () => undefined;
  before(() => {
    // A copy of the package as `npm install --ignore-scripts` leaves it: everything but build/.
    dir = mkdtempSync(join(tmpdir(), 'footfall-unbuilt-'));
    const modules = join(dir, 'node_modules');
    mkdirSync(modules);
    cpSync(packageDir, join(modules, 'better-sqlite3'), { recursive: true, filter: (source) => !source.startsWith(join(packageDir, 'build')) && !source.startsWith(join(packageDir, 'deps')) });
    symlinkSync(dirname(require.resolve('bindings/package.json')), join(modules, 'bindings'), 'dir');
    loadUnbuilt = createRequire(join(dir, 'index.js'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says FOOTFALL_ERR_SQLITE_NOT_BUILT, what it expected and got, and to run npm rebuild better-sqlite3', () => {
    const error = thrown(() => createSqliteStore({ file: ':memory:' }, (id) => loadUnbuilt(id)));
    assert.equal(error.code, 'FOOTFALL_ERR_SQLITE_NOT_BUILT');
    assert.match(error.message, new RegExp(`expected build/Release/better_sqlite3\\.node built for Node ${process.versions.node.replace(/\./g, '\\.')} \\(NODE_MODULE_VERSION ${process.versions.modules}\\), got "Could not locate the bindings file`));
    assert.match(error.hint, /npm rebuild better-sqlite3/);
    assert.doesNotMatch(error.message, /directory exists/);
  });

  it('says FOOTFALL_ERR_SQLITE_MISSING and the install command when better-sqlite3 is not installed at all (an optional peer)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'footfall-no-sqlite-')); // no node_modules on the way up
    const loadFromEmpty = createRequire(join(empty, 'index.js'));
    const error = thrown(() => createSqliteStore({ file: ':memory:' }, (id) => loadFromEmpty(id)));
    assert.equal(error.code, 'FOOTFALL_ERR_SQLITE_MISSING');
    assert.match(error.hint, /npm i better-sqlite3@12/);
    rmSync(empty, { recursive: true, force: true });
  });

  it('keeps FOOTFALL_ERR_STORE_UNAVAILABLE for a store that cannot be opened with a working module', () => {
    const error = thrown(() => createSqliteStore({ file: join(dir, 'no-such-dir', 'hits.db') }));
    assert.equal(error.code, 'FOOTFALL_ERR_STORE_UNAVAILABLE');
  });
});
