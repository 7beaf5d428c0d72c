// The examples of docs/testing.md run here, each under its own runner as a child process,
// against the built package (`footfall/testing` resolves to dist/ by the package's own name).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Run {
  code: number | null;
  output: string;
}

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  assert.ok(existsSync('dist/testing.js'), 'dist/testing.js is missing: run npm run build first');
  // NODE_TEST_CONTEXT would make a nested `node --test` report to this runner instead of printing.
  const dropped = new Set(['NODE_TEST_CONTEXT', 'FOOTFALL_DISABLED', 'FOOTFALL_ENDPOINT']);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.has(name)));
  const env = { ...inherited, ...extraEnv, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('docs/testing.md examples', () => {
  it('node:test', async () => {
    const { code, output } = await run(['--test', '--test-reporter=tap', 'examples/testing/node-test.test.js']);
    assert.equal(code, 0, output);
    assert.match(output, /^# pass 3$/m, output);
    assert.match(output, /^# fail 0$/m, output);
  });

  it('Jest (native ESM)', async () => {
    const { code, output } = await run(['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', 'examples/testing/jest/jest.config.js', '--ci']);
    assert.equal(code, 0, output);
    assert.match(output, /Tests:\s+2 passed, 2 total/, output);
  });

  it('Vitest', async () => {
    const { code, output } = await run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'examples/testing/vitest/vitest.config.js']);
    assert.equal(code, 0, output);
    assert.match(output, /Tests\s+2 passed \(2\)/, output);
  });
});
