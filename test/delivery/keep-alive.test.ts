import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

/**
 * A collector on 127.0.0.1 that answers its first request 503 (so the tracker waits, on an
 * unref'd timer, to retry) and the others 204 after `delayMs`; or never answers (`hang`).
 */
async function startSlowServer(delayMs: number | 'hang'): Promise<{ url: string; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (delayMs === 'hang') return;
      if (requests++ === 0) res.writeHead(503).end();
      else setTimeout(() => res.writeHead(204).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs test/fixtures/await-child.ts; a safety net kills it after 20 s. */
function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean; elapsedMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/await-child.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, killed, elapsedMs: Date.now() - started });
    });
  });
}

describe('an awaited close() or flush() keeps the process alive until it settles', () => {
  it('top-level `await tracker.close()` against a slow collector that fails once: exits 0 after printing the result', async () => {
    const server = await startSlowServer(400);
    try {
      const { code, stdout, stderr, killed } = await runChild([server.url, 'close']);
      assert.equal(killed, false);
      assert.equal(code, 0, `exit code ${code} (13 = unsettled top-level await); stderr: ${stderr}`);
      assert.deepEqual(JSON.parse(stdout), { sent: 1, failed: 0, dropped: 0, pending: 0 });
    } finally {
      await server.close();
    }
  });

  it('top-level `await tracker.close({ timeoutMs })` against a collector that hangs: exits 0 at the deadline', async () => {
    const server = await startSlowServer('hang');
    try {
      const { code, stdout, stderr, killed, elapsedMs } = await runChild([server.url, 'close', '1500']);
      assert.equal(killed, false);
      assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
      const result = JSON.parse(stdout) as { sent: number; failed: number; dropped: number; pending: number };
      assert.equal(result.sent, 0);
      assert.equal(result.failed + result.dropped, 1, stdout);
      assert.equal(result.pending, 0);
      assert.ok(elapsedMs < 15_000, `took ${elapsedMs} ms`);
    } finally {
      await server.close();
    }
  });

  it('a flush() nobody awaits holds nothing: the script ends at once, even against a collector that hangs', async () => {
    const server = await startSlowServer('hang');
    try {
      const { code, stdout, killed, elapsedMs } = await runChild([server.url, 'unawaited']);
      assert.equal(killed, false);
      assert.equal(code, 0);
      assert.equal(stdout, 'done');
      assert.ok(elapsedMs < 10_000, `took ${elapsedMs} ms: something held the process`);
    } finally {
      await server.close();
    }
  });

  it('top-level `await tracker.flush()` against a slow collector that fails once: exits 0 after printing', async () => {
    const server = await startSlowServer(400);
    try {
      const { code, stdout, stderr, killed } = await runChild([server.url, 'flush']);
      assert.equal(killed, false);
      assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
      assert.deepEqual(JSON.parse(stdout), { sent: 1 });
    } finally {
      await server.close();
    }
  });
});
