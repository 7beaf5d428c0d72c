import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createProgressReporter } from '../../src/cli/import-progress.js';
import { fileIdentity, lineHitId } from '../../src/collector/import/hit-ids.js';
import type { LogRecord } from '../../src/collector/import/log-record.js';
import { createRecordToHit } from '../../src/collector/import/to-hit.js';
import type { Hit } from '../../src/core/hit.js';
import { toHit } from '../../src/hit-options.js';
import { cliWith } from '../helpers/cli.js';
import { combinedSample, ROUTES } from './log-samples.js';

const hashKey = 'to-hit-test-key-0123456789';
const day = Date.UTC(2026, 10, 2, 9);

function imported(record: Partial<LogRecord>, options: { trustProxy?: boolean } = {}): Hit {
  const hit = createRecordToHit({ routes: ROUTES, hashKey, ...options })({ timeMs: day, method: 'GET', target: '/v1/users/42?token=abc', ...record }, 'log-abc-1');
  assert.notEqual(typeof hit, 'string');
  return hit as Hit;
}

describe('createRecordToHit', () => {
  it('gives a line the consumer id live traffic gives the same client on the same day', () => {
    const live = toHit({ method: 'GET', url: '/v1/users/42', route: '/v1/users/:id', clientIp: '198.51.100.77', headers: { userAgent: 'curl/8' }, timestampMs: day + 3_600_000 }, { hashKey });
    assert.equal(imported({ clientIp: '198.51.100.7', userAgent: 'curl/8' }).clientId, live.clientId, 'the same /24 and agent on the same day');
    assert.notEqual(imported({ clientIp: '198.51.100.7', userAgent: 'curl/8', timeMs: day + 86_400_000 }).clientId, live.clientId, 'the salt of another day');
    const v6 = toHit({ method: 'GET', url: '/x', route: '/x', clientIp: '2001:db8:aa:1::5', headers: { userAgent: 'curl/8' }, timestampMs: day }, { hashKey });
    assert.equal(imported({ clientIp: '2001:db8:aa:ffff::9', userAgent: 'curl/8' }).clientId, v6.clientId, 'IPv6 by its /48');
  });

  it('gives one importer\'s lines, in any order, the consumer ids live traffic gives their addresses (networks are remembered by prefix)', () => {
    const addresses = ['198.51.100.7', '198.51.100.255', '198.51.100.256', '198.51.100.07', '198.51.100.1234', '198.51.100.', '198.51.100.x', '198.51.100', '198.51', '198.051.100.7',
      '198.51.100.7.5', '::ffff:198.51.100.7', '::ffff:198.51.100.300', '2001:db8:aa:1::5', '2001:db8::1.2.3.4', 'unknown', '', ' 198.51.100.7', '198.51.100.7 ', '300.51.100.7', '198.51.100.7', '198.51.100.256'];
    const importer = createRecordToHit({ routes: ROUTES, hashKey });
    for (const clientIp of [...addresses, ...addresses.slice().reverse()]) {
      const live = toHit({ method: 'GET', url: '/x', route: '/x', clientIp, headers: { userAgent: 'curl/8' }, timestampMs: day }, { hashKey, random: () => 0.5 });
      const hit = importer({ timeMs: day, method: 'GET', target: '/v1/users/42', clientIp, userAgent: 'curl/8' }, 'log-abc-1');
      assert.notEqual(typeof hit, 'string');
      // An address that gives no network (and an empty agent would give a random id): compare only hashed ones.
      if (/^\d+\.\d+$/.test(live.clientId) && live.clientId.split('.')[1] !== String(Math.floor(day / 1000))) assert.equal((hit as Hit).clientId, live.clientId, clientIp);
    }
  });

  it('with sessions off (footfall import --db), gives each hit its own second as session and the same consumer', () => {
    const on = createRecordToHit({ routes: ROUTES, hashKey })({ timeMs: day + 1500, method: 'GET', target: '/v1/users/42', clientIp: '198.51.100.7', userAgent: 'curl/8' }, 'log-abc-1') as Hit;
    const off = createRecordToHit({ routes: ROUTES, hashKey, sessions: false });
    const first = off({ timeMs: day + 1500, method: 'GET', target: '/v1/users/42', clientIp: '198.51.100.7', userAgent: 'curl/8' }, 'log-abc-1') as Hit;
    const later = off({ timeMs: day + 61_500, method: 'GET', target: '/v1/users/42', clientIp: '198.51.100.7', userAgent: 'curl/8' }, 'log-abc-2') as Hit;
    assert.equal(first.clientId, on.clientId);
    assert.deepEqual([first.sessionId, later.sessionId], [Math.floor((day + 1500) / 1000), Math.floor((day + 61_500) / 1000)]);
    assert.deepEqual({ ...first, sessionId: 0 }, { ...on, sessionId: 0 });
  });

  it('hashes a user id as live traffic does, and trusts X-Forwarded-For only when asked', () => {
    const live = toHit({ method: 'GET', url: '/v1/users/42', route: '/v1/users/:id', userId: 'alice', timestampMs: day }, { hashKey });
    const hit = imported({ userId: 'alice', clientIp: '198.51.100.7' });
    assert.equal(hit.userId, live.userId);
    assert.equal(hit.clientId, live.clientId);
    const proxied = toHit({ method: 'GET', url: '/x', route: '/x', clientIp: '203.0.113.9', headers: { userAgent: 'a' }, timestampMs: day }, { hashKey });
    assert.equal(imported({ clientIp: '10.0.0.1', forwardedFor: '203.0.113.9, 10.0.0.1', userAgent: 'a' }, { trustProxy: true }).clientId, proxied.clientId);
    assert.notEqual(imported({ clientIp: '10.0.0.1', forwardedFor: '203.0.113.9, 10.0.0.1', userAgent: 'a' }).clientId, proxied.clientId);
  });

  it('matches the path to the inventory\'s template, keeps query names only, and sends the rest to (unmatched)', () => {
    const hit = imported({ clientIp: '198.51.100.7' });
    assert.equal(hit.route, '/v1/users/:id');
    assert.equal(hit.title, 'GET /v1/users/:id');
    assert.equal(hit.path, '/v1/users/:id?token');
    assert.equal(hit.hitId, 'log-abc-1');
    assert.equal(imported({ target: '/v9/other/1?x=2' }).route, '(unmatched)');
    assert.equal(imported({ target: 'https://api.example.com:443/v1/users/7' }).route, '/v1/users/:id');
    assert.equal(imported({ target: 'https://api.example.com/v1/users/7' }).host, 'api.example.com');
  });

  it('skips OPTIONS and health checks as the adapters do, unless kept', () => {
    const toHitOf = createRecordToHit({ routes: ROUTES, hashKey });
    assert.equal(toHitOf({ timeMs: day, method: 'OPTIONS', target: '/v1/users' }, 'a'), 'options');
    assert.equal(toHitOf({ timeMs: day, method: 'GET', target: '/health' }, 'a'), 'health_check');
    assert.equal(toHitOf({ timeMs: day, method: 'GET', target: '/internal/healthz' }, 'a'), 'health_check');
    const keep = createRecordToHit({ routes: ROUTES, hashKey, keepHealthChecks: true });
    assert.equal((keep({ timeMs: day, method: 'GET', target: '/health' }, 'a') as Hit).route, '/health');
  });
});

describe('hit ids', () => {
  it('come from the first line and the offset, so a log that grows keeps them', () => {
    assert.equal(fileIdentity('first line'), fileIdentity('first line'));
    assert.notEqual(fileIdentity('first line'), fileIdentity('another first line'));
    assert.match(lineHitId(fileIdentity('x'), 123_456), /^log-[0-9a-f]{12}-2n9c$/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'footfall-hit-ids-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a gzipped copy of a log imported already (rotation) adds nothing; the log grown since adds only its new lines', async () => {
    const sample = combinedSample({ lines: 600, seed: 11 });
    const db = join(dir, 'rotated.db');
    const env = { FOOTFALL_HASH_KEY: hashKey };
    const head = sample.lines.slice(0, 400);
    writeFileSync(join(dir, 'access.log'), `${head.join('\n')}\n`);
    const first = JSON.parse((await cliWith({ env }, 'import', join(dir, 'access.log'), '--db', db, '--json')).stdout) as { imported: number };
    writeFileSync(join(dir, 'access.log'), `${sample.lines.join('\n')}\n`);
    const grown = JSON.parse((await cliWith({ env }, 'import', join(dir, 'access.log'), '--db', db, '--json')).stdout) as { imported: number; duplicates: number };
    assert.equal(grown.duplicates, first.imported);
    writeFileSync(join(dir, 'access.log.1.gz'), gzipSync(`${sample.lines.join('\n')}\n`));
    const copy = JSON.parse((await cliWith({ env }, 'import', join(dir, 'access.log.1.gz'), '--db', db, '--json')).stdout) as { imported: number; duplicates: number };
    assert.equal(copy.imported, 0);
    assert.equal(copy.duplicates, first.imported + grown.imported);
  });
});

describe('progress without a terminal', () => {
  it('prints a plain line at most every intervalMs, on the injected clock', () => {
    let nowMs = 0;
    const lines: string[] = [];
    const progress = createProgressReporter({ tty: false, stream: process.stderr, write: (t) => void lines.push(t), totalBytes: 1_000_000, intervalMs: 5_000, now: () => nowMs });
    const at = (ms: number, linesRead: number, bytesRead: number) => {
      nowMs = ms;
      progress.update({ linesRead, bytesRead, imported: linesRead, file: 'a.log' });
    };
    at(1_000, 10_000, 100_000);
    at(4_999, 40_000, 400_000);
    assert.equal(lines.length, 0);
    at(5_000, 50_000, 500_000);
    assert.deepEqual(lines, ['footfall import: 50,000 lines (0.5 MB of 1.0 MB, 50%), 10,000 lines/s, about 5 s left\n']);
    at(9_000, 90_000, 900_000);
    at(10_000, 100_000, 1_000_000);
    assert.equal(lines.length, 2);
    progress.stop();
  });
});
