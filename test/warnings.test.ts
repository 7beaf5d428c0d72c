// Issue 11: Jest evaluates Footfall once per test file, and each copy had its own "once": a
// warning printed 22 times in one run. The once-state is the process's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveHitOptions } from '../src/hit-options.js';
import type * as Warnings from '../src/warnings.js';

type WarningsModule = typeof Warnings;

/** A fresh evaluation of src/warnings.ts, as a test runner's new module registry makes. */
async function freshCopy(n: number): Promise<WarningsModule> {
  return (await import(`${pathToFileURL('src/warnings.ts').href}?copy=${n}`)) as WarningsModule;
}

describe('warnOnce', () => {
  it('emits a code once per process, however many copies of Footfall are loaded', async () => {
    const codes: string[] = [];
    const listener = (warning: Error & { code?: string }) => codes.push(warning.code ?? '');
    process.on('warning', listener);
    try {
      const copies = await Promise.all([1, 2, 3].map(freshCopy));
      assert.notEqual(copies[0], copies[1], 'the copies are separate module instances');
      for (const copy of copies) copy.warnOnce('FFWRN002');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(codes.filter((code) => code === 'FFWRN002'), ['FFWRN002']);
  });

  it('says nothing about a missing hash key under a test runner (FFWRN001), and still does outside one', async () => {
    const codes: string[] = [];
    const listener = (warning: Error & { code?: string }) => codes.push(warning.code ?? '');
    process.on('warning', listener);
    try {
      resolveHitOptions({}, { JEST_WORKER_ID: '3' });
      resolveHitOptions({}, { VITEST: 'true' });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(codes, []);
      resolveHitOptions({}, {});
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(codes, ['FFWRN001']);
  });
});
