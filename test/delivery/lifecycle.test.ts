import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, requestFor, testTracker } from '../helpers/tracker.js';

/** Runs the child script; resolves with its exit code and output. A safety net kills it after 30 s. */
function runChild(args: string[]): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/exit-child.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, killed });
    });
  });
}

describe('lifecycle', () => {
  it('the process exits on its own with a pending timer and open sockets, after flushing on beforeExit', async () => {
    const sink = await startSink();
    const { code, killed, stdout } = await runChild([sink.url, 'report']);
    assert.equal(killed, false, 'the child had to be killed: something kept it alive');
    assert.equal(code, 0);
    const stats = JSON.parse(stdout) as { sent: number; pending: number };
    assert.deepEqual({ sent: stats.sent, pending: stats.pending }, { sent: 2, pending: 0 });
    assert.deepEqual(sink.events().map((e) => (e as { params: { api_route: string } }).params.api_route), ['/first', '/second']);
    await sink.close();
  });

  it('exits on its own even when the collector hangs', async () => {
    const sink = await startSink([{ kind: 'status', status: 204 }], { kind: 'hang' });
    const { code, killed } = await runChild([sink.url]);
    assert.equal(killed, false);
    assert.equal(code, 0);
    await sink.close();
  });

  it('closeOnSignals: SIGTERM delivers what is held, then ends the process as SIGTERM would', async () => {
    const sink = await startSink();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/signal-child.ts', sink.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    const signal = await exit;
    clearTimeout(guard);
    assert.equal(signal, 'SIGTERM');
    assert.equal(sink.events().length, 1);
    await sink.close();
  });

  for (const order of ['first', 'last']) {
    it(`closeOnSignals does not re-raise SIGTERM over the app's own one-shot handler (registered ${order}): the app finishes its shutdown`, async () => {
      const sink = await startSink();
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/signal-once-child.ts', sink.url, order], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      }));
      const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      await ready;
      child.kill('SIGTERM');
      const { code, signal } = await exit;
      clearTimeout(guard);
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'ended by the app, not by a re-raised SIGTERM');
      assert.match(stdout, /app shutdown done/);
      assert.equal(sink.events().length, 1, 'and the tracker delivered what it held');
      await sink.close();
    });
  }

  it('close() runs once; later calls share its promise; hits tracked after close are dropped as closed', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    tracker.track(requestFor('a'));
    const first = tracker.close();
    assert.equal(tracker.close(), first);
    assert.deepEqual(await first, { sent: 1, failed: 0, dropped: 0, pending: 0 });
    const dropped: string[] = [];
    tracker.on('dropped', (report) => dropped.push(report.reason));
    tracker.track(requestFor('a'));
    assert.deepEqual(dropped, ['closed']);
    assert.equal(tracker.stats().droppedByReason.closed, 1);
    assertAccounting(tracker);
    await sink.close();
  });

  it('concurrent flush() calls join one flush', async () => {
    const sink = await startSink([{ kind: 'hang' }]);
    const { tracker } = testTracker(sink.url);
    tracker.track(requestFor('b'));
    const a = tracker.flush();
    const b = tracker.flush();
    assert.equal(a, b);
    await sink.until(1);
    sink.release();
    await a;
    tracker.track(requestFor('b', 2));
    const c = tracker.flush();
    assert.notEqual(c, a, 'new hits get a new flush');
    await c;
    assert.equal(tracker.stats().sent, 2);
    await tracker.close();
    await sink.close();
  });
});
