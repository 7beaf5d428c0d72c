import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { freePort } from '../helpers/ports.js';

describe('hits lost when a process ends without close()', () => {
  it('the process still ends on its own, and says how many hits it lost (FFWRN008), without the secret', async () => {
    const port = await freePort();
    const { code, stderr, killed } = await new Promise<{ code: number | null; stderr: string; killed: boolean }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/lost-at-exit-child.ts', `http://127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      let wasKilled = false;
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const guard = setTimeout(() => {
        wasKilled = true;
        child.kill('SIGKILL');
      }, 20_000);
      child.on('exit', (exitCode) => {
        clearTimeout(guard);
        resolve({ code: exitCode, stderr: text, killed: wasKilled });
      });
    });
    assert.equal(killed, false, 'something kept the process alive');
    assert.equal(code, 0);
    assert.match(stderr, /\[FFWRN008\] FootfallWarning: Hits were lost/);
    assert.match(stderr, /2 of 2 hits were lost \(still pending when the process ended 2\); 0 sent/);
    // collector(url) sends to /mp/batch: the warning names where the hits were going.
    assert.ok(stderr.includes(`http://127.0.0.1:${port}/mp/batch?measurement_id=G-FOOTFALL&api_secret=***`), stderr);
  });
});
