#!/usr/bin/env node
// Runs every test file under test/ through tsx. `tsx --test` with no file arguments finds
// no TypeScript tests on Node 20, so the files are listed here. Extra arguments (e.g. a
// path prefix) narrow the run: `npm test -- test/core`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : walk(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.startsWith(filter.replace(/^\.\//, ''))))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=60000', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
