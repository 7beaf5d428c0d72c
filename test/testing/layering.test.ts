import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';

/** Every source file `entry` reaches through relative imports (type-only imports included). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const found of code.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = found[1];
      if (target !== undefined) visit(join(dirname(file), target.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

const LIBRARY_ENTRIES = ['src/index.ts', ...['node', 'express', 'fastify', 'koa', 'hono'].map((name) => `src/adapters/${name}/index.ts`)];

describe('layering of footfall/testing', () => {
  it('neither the library nor an adapter reaches the testing kit or the collector', () => {
    for (const entry of LIBRARY_ENTRIES) {
      const leaks = [...reachable(entry)].map((file) => relative('.', file)).filter((file) => /^src\/(testing|collector|cli)\//.test(file));
      assert.deepEqual(leaks, [], `${entry} reaches ${leaks.join(', ')}`);
    }
  });

  it('the testing kit uses the real tracker, encoders and collector (the walk sees them)', () => {
    const files = [...reachable('src/testing/index.ts')].map((file) => relative('.', file));
    for (const file of ['src/delivery/tracker.ts', 'src/protocols/ga4/encode.ts', 'src/protocols/ga4/validate.ts', 'src/collector/server.ts']) assert.ok(files.includes(file), file);
  });
});
