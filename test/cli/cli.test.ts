import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: { footfall: string } };
const run = promisify(execFile);

describe('footfall (in-process)', () => {
  it('--version prints the package version', async () => {
    assert.deepEqual(await cli('--version'), { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists the commands and exits 0', async () => {
    const { code, stdout } = await cli('--help');
    assert.equal(code, 0);
    assert.match(stdout, /Usage: footfall/);
    assert.match(stdout, /demo/);
  });

  it('an unknown flag is a usage error naming the flag, exit 2', async () => {
    const { code, stderr } = await cli('--frobnicate');
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--frobnicate'/);
  });

  it('a bad flag value is a usage error naming the flag, exit 2', async () => {
    const { code, stderr } = await cli('demo', '--requests', '0');
    assert.equal(code, 2);
    assert.match(stderr, /--requests <count>.*expected a whole number from 1 to 100000, got "0"/);
  });
});

describe('footfall (the built binary, as a real process)', () => {
  it('runs from dist and reports its version', async () => {
    const { stdout } = await run(process.execPath, [pkg.bin.footfall, '--version']);
    assert.equal(stdout.trim(), pkg.version);
  });

  it('exits 2 on a usage error', async () => {
    await assert.rejects(run(process.execPath, [pkg.bin.footfall, 'nope']), (error: { code?: number; stderr?: string }) => error.code === 2 && /unknown command 'nope'/.test(error.stderr ?? ''));
  });
});
