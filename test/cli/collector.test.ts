import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { runCli } from '../../src/cli/run.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { cli } from '../helpers/cli.js';
import { hitAt } from '../helpers/hits.js';
import { waitFor } from '../helpers/tracker.js';

function freshBody(): string {
  const hit = hitAt(0);
  const [first] = encodeGa4([{ ...hit, timestampMs: Date.now() }], { nowMs: Date.now() }).requests;
  assert.ok(first);
  return first.body;
}

describe('footfall collector (in-process)', () => {
  it('listens, prints each stored hit, stops when told, and sums up', async () => {
    let stdout = '';
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-collector-'));
    const running = runCli(['collector', '--port', '0', '--db', join(dir, 'hits.db'), '--seed', '5'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: {}, untilStopped: () => stopped });
    await waitFor(() => /listening on (http:\/\/\S+)/.test(stdout), 'the banner');
    const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
    const response = await request(`${url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: freshBody() });
    await response.body.dump();
    assert.equal(response.statusCode, 204);
    assert.match(stdout, /ga4 {2}1234567890\.1795953600 +GET \/v1\/users\/:id +200/);
    stop();
    assert.equal(await running, 0);
    assert.match(stdout, /collector stopped: 1 hits stored from 1 requests; 0 requests refused/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--hang-stores: the banner says so; a held hit is printed before the hold, and a retry of it is printed as a duplicate', async () => {
    let stdout = '';
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runCli(['collector', '--port', '0', '--memory', '--hang-rate', '1', '--hang-ms', '600000', '--hang-stores', '--seed', '5'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: {}, untilStopped: () => stopped });
    try {
      await waitFor(() => /listening on (http:\/\/\S+)/.test(stdout), 'the banner');
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
      assert.match(stdout, /faults {6}100% held 600000 ms \(stored before the hold\); seed 5/);
      const body = JSON.stringify({ client_id: '77.88', events: [{ name: 'page_view', params: { api_route: '/v1/held', api_method: 'GET', http_status: 200, hit_id: 'clihangsto-0' } }] });
      for (let attempt = 0; attempt < 2; attempt++) {
        const controller = new AbortController();
        const answer = request(`${url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal }).catch(() => 'gave up');
        const printed = attempt === 0 ? /77\.88 +GET \/v1\/held +200/ : /= {2}1 duplicate hit ignored \(hit id already stored\)/;
        try {
          await waitFor(() => printed.test(stdout), 'the hit to be printed while the request is held');
        } finally {
          controller.abort();
        }
        assert.equal(await answer, 'gave up');
      }
      assert.equal(stdout.match(/GET \/v1\/held/g)?.length, 1, 'the duplicate is not printed as a hit');
    } finally {
      stop(); // cuts any held request, also when an assertion failed
    }
    assert.equal(await running, 0);
    assert.match(stdout, /collector stopped: 1 hits stored from 2 requests; 0 requests refused \(0 on purpose\); 1 duplicate hits ignored/);
  });

  it('--hang-stores without --hang-rate is accepted, and the banner says it holds nothing', async () => {
    let stdout = '';
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runCli(['collector', '--port', '0', '--memory', '--hang-stores'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: {}, untilStopped: () => stopped });
    await waitFor(() => /faults/.test(stdout), 'the banner');
    assert.match(stdout, /faults {6}none \(hang-stores has no effect without a hang rate\)/);
    stop();
    assert.equal(await running, 0);
  });

  it('bad flag values are usage errors naming the flag (exit 2)', async () => {
    for (const [flag, value, message] of [
      ['--fail-rate', '2', /--fail-rate <share>.*expected a share from 0 to 1/],
      ['--port', '70000', /--port <port>.*expected a port from 0 to 65535/],
      ['--status', '200', /--status <code>.*expected an HTTP error status from 400 to 599/],
      ['--hang-ms', '-1', /--hang-ms <ms>.*expected a whole number of milliseconds/],
    ] as const) {
      const { code, stderr } = await cli('collector', flag, value);
      assert.equal(code, 2, `${flag} ${value}`);
      assert.match(stderr, message);
    }
  });

  it('refuses a public address without a token (exit 1, says how to fix it)', async () => {
    const { code, stderr } = await cli('collector', '--host', '0.0.0.0', '--port', '0', '--memory');
    assert.equal(code, 1);
    assert.match(stderr, /FOOTFALL_ERR_UNSAFE_LISTEN|without a token.*--token/);
  });
});

/** Resolves when the child's output matches, rejects if it exits first. */
function outputMatching(child: ReturnType<typeof spawn>, pattern: RegExp, output: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = pattern.exec(output());
      if (match === null) return;
      child.stdout?.off('data', check);
      resolve(match);
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${output()}`)));
    check();
  });
}

describe('footfall collector (a real process)', () => {
  it('runs until SIGINT, then closes cleanly with exit code 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'collector', '--port', '0', '--memory', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [, url] = await outputMatching(child, /listening on (http:\/\/\S+)/, () => stdout);
      const response = await request(`${url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: freshBody() });
      await response.body.dump();
      await outputMatching(child, /"route":"\/v1\/users\/:id"/, () => stdout);
      child.kill('SIGINT');
      assert.equal(await exited, 0, stdout);
      assert.match(stdout, /collector stopped: 1 hits stored/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
