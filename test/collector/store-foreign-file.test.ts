// Issue 12's finding, its writing-side sibling: `footfall report` no longer changes a file that
// is not Footfall's, and neither may the collector. Pointed at another app's SQLite file or at a
// text file, the store refuses it (FOOTFALL_ERR_NOT_A_STORE) and leaves it byte for byte as it
// was, without -wal/-shm files; an empty file or a new path is a new store, as before.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { isFootfallError } from '../../src/errors.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import { runCli } from '../../src/cli/run.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const dir = mkdtempSync(join(tmpdir(), 'footfall-foreign-'));

function foreignDb(name: string): string {
  const file = join(dir, name);
  const db = new Database(file);
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')");
  db.close();
  return file;
}

function refusal(file: string): string {
  try {
    createSqliteStore({ file }).close();
  } catch (error) {
    assert.ok(isFootfallError(error), String(error));
    assert.equal(error.code, 'FOOTFALL_ERR_NOT_A_STORE');
    return error.message;
  }
  assert.fail(`${file} was opened as a store`);
}

describe('the collector\'s store never takes over a file that is not Footfall\'s', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('another app\'s SQLite file: refused, naming its tables, left byte for byte, no -wal or -shm', () => {
    const file = foreignDb('app.db');
    const before = readFileSync(file);
    assert.match(refusal(file), /without Footfall's tables \(it has: users\)/);
    assert.deepEqual(readFileSync(file), before);
    assert.equal(existsSync(`${file}-wal`), false);
    assert.equal(existsSync(`${file}-shm`), false);
  });

  it('a text file: refused as not SQLite, left as it was', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a database\n');
    assert.match(refusal(file), /not SQLite \(a text file\)/);
    assert.equal(readFileSync(file, 'utf8'), 'not a database\n');
  });

  it('an empty file and a new path become new stores, and a store opens again', () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    createSqliteStore({ file: empty }).close();
    const fresh = join(dir, 'fresh.db');
    createSqliteStore({ file: fresh }).close();
    createSqliteStore({ file: fresh }).close();
  });

  it('footfall collector --db <another app\'s file> exits 1 with the reason, and the file is unchanged', async () => {
    const file = foreignDb('other.db');
    const before = readFileSync(file);
    let stderr = '';
    const code = await runCli(['collector', '--db', file, '--port', '0', '--quiet'], {
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
      env: {},
      untilStopped: () => Promise.resolve(), // a collector that did start stops at once
    });
    assert.equal(code, 1);
    assert.match(stderr, /is not a Footfall hit store/);
    assert.deepEqual(readFileSync(file), before);
  });
});
