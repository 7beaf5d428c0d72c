import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import { openStoreForReading } from '../../src/collector/store/open-for-reading.js';
import { cli } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';

let dir: string;

/** Each file `footfall report --db` is pointed at, and what the refusal must say (none: a real store). */
const FILES: { name: string; make: (file: string) => void; says?: RegExp }[] = [
  { name: 'other.sqlite', make: otherSqlite, says: /not a Footfall hit store: it is a SQLite database without Footfall's tables \(it has: notes\)/ },
  { name: 'empty.db', make: (file) => writeFileSync(file, ''), says: /not a Footfall hit store: it is an empty file \(0 bytes\)/ },
  { name: 'notes.txt', make: (file) => writeFileSync(file, 'hello, this is text\n'), says: /not a Footfall hit store: it is not SQLite \(a text file\)/ },
  { name: 'blank.sqlite', make: blankSqlite, says: /not a Footfall hit store: it is a SQLite database with no tables/ },
  { name: 'store.db', make: footfallStore },
];

function otherSqlite(file: string): void {
  const db = new BetterSqlite3(file);
  db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
  db.close();
}

function blankSqlite(file: string): void {
  const db = new BetterSqlite3(file);
  db.pragma('page_size = 4096');
  db.exec('VACUUM');
  db.close();
}

function footfallStore(file: string): void {
  const store = createSqliteStore({ file });
  store.insert([{ timeMs: Date.now() - 60_000, protocol: 'ga4', method: 'GET', route: '/v1/items', status: 200, durationMs: 3, client: 'c1', eventName: 'page_view' }], Date.now());
  store.close();
}

/** The file's bytes and every file in its folder: what must not change. */
function snapshot(folder: string, file: string): { bytes: Buffer; files: string[] } {
  return { bytes: readFileSync(file), files: readdirSync(folder).sort() };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-report-ro-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('footfall report never changes the file it reads', () => {
  for (const { name, make, says } of FILES) {
    it(`${name}: ${says === undefined ? 'reports it' : 'refuses it with exit 1, saying what it found'}; the file is byte-for-byte the same and no -wal/-shm appears (runCli)`, async () => {
      const folder = mkdtempSync(join(dir, 'in-'));
      const file = join(folder, name);
      make(file);
      const before = snapshot(folder, file);
      const { code, stdout, stderr } = await cli('report', '--db', file);
      if (says === undefined) {
        assert.equal(code, 0, stderr);
        assert.match(stdout, /GET\s+\/v1\/items\s+1/);
      } else {
        assert.equal(code, 1, stdout);
        assert.match(stderr, says);
        assert.doesNotMatch(stdout, /No hits/);
      }
      assert.deepEqual(snapshot(folder, file), before);
    });

    it(`${name}: the same as a real process`, async () => {
      const folder = mkdtempSync(join(dir, 'proc-'));
      const file = join(folder, name);
      make(file);
      const before = snapshot(folder, file);
      const { code, stdout, stderr } = await runFootfall(['report', '--db', file]);
      assert.equal(code, says === undefined ? 0 : 1, stderr);
      if (says !== undefined) assert.match(stderr, says);
      else assert.match(stdout, /GET\s+\/v1\/items\s+1/);
      assert.deepEqual(snapshot(folder, file), before);
    });
  }

  it('reads a store a collector has open (its -wal holds the newest commits) without writing to it', async () => {
    const folder = mkdtempSync(join(dir, 'open-'));
    const file = join(folder, 'live.db');
    const writer = createSqliteStore({ file });
    try {
      writer.insert([{ timeMs: Date.now() - 1000, protocol: 'ga4', method: 'POST', route: '/v1/orders', status: 201, durationMs: 9, client: 'c2', eventName: 'page_view' }], Date.now());
      const before = readFileSync(file);
      const { code, stdout, stderr } = await cli('report', '--db', file, '--format', 'json');
      assert.equal(code, 0, stderr);
      assert.equal((JSON.parse(stdout) as { hits: number }).hits, 1);
      assert.deepEqual(readFileSync(file), before);
    } finally {
      writer.close();
    }
  });

  it('reads a store no collector has open in place, not a copy (a copy read all of a 1 M-hit file): a connection to the file that may not write, whose -wal/-shm go when it closes', () => {
    const folder = mkdtempSync(join(dir, 'place-'));
    const file = join(folder, 'store.db');
    footfallStore(file);
    const before = snapshot(folder, file);
    const store = openStoreForReading(file);
    try {
      // A connection to the file itself, in WAL mode, shares its -wal and -shm while it is open.
      assert.ok(existsSync(`${file}-wal`) && existsSync(`${file}-shm`), 'the file is read in place');
      assert.equal(store.endpoints({}).hits, 1);
      assert.throws(() => store.insert([{ timeMs: Date.now(), protocol: 'ga4', method: 'GET', route: '/v1/other', status: 200, durationMs: 1, client: 'c9', eventName: 'page_view' }], Date.now()), /readonly/);
    } finally {
      store.close();
    }
    assert.deepEqual(snapshot(folder, file), before);
  });

  it('reads a copy when a -journal lies beside the file (a writable connection would roll it back into the file): file and journal unchanged', async () => {
    const folder = mkdtempSync(join(dir, 'journal-'));
    const file = join(folder, 'store.db');
    footfallStore(file);
    writeFileSync(`${file}-journal`, 'not ours to roll back');
    const before = { ...snapshot(folder, file), journal: readFileSync(`${file}-journal`) };
    const { code, stdout, stderr } = await cli('report', '--db', file, '--format', 'json');
    assert.equal(code, 0, stderr);
    assert.equal((JSON.parse(stdout) as { hits: number }).hits, 1);
    assert.deepEqual({ ...snapshot(folder, file), journal: readFileSync(`${file}-journal`) }, before);
  });

  it('a file of a newer Footfall is refused as too new, unchanged', async () => {
    const folder = mkdtempSync(join(dir, 'new-'));
    const file = join(folder, 'newer.db');
    footfallStore(file);
    const db = new BetterSqlite3(file);
    db.pragma('user_version = 99');
    db.close();
    const before = snapshot(folder, file);
    const { code, stderr } = await cli('report', '--db', file);
    assert.equal(code, 1);
    assert.match(stderr, /FOOTFALL_ERR_STORE_TOO_NEW|schema version 99, newer than this Footfall/);
    assert.deepEqual(snapshot(folder, file), before);
  });
});
