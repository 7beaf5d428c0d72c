import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const sources = files('src', /\.ts$/).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const docs = ['README.md', ...files('docs', /\.md$/)].map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** FOOTFALL_ names in a text: error codes and prefixes (`FOOTFALL_GA4_*`) are not variables. */
function footfallNames(text: string): string[] {
  return [...text.matchAll(/\bFOOTFALL_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]).filter((name) => !name.startsWith('FOOTFALL_ERR_'));
}

/** The variables the code actually reads: `env.NAME` or `env['NAME']`. */
const read = new Set(sources.flatMap(({ text }) => [...text.matchAll(/\benv\??\.(FOOTFALL_[A-Z0-9_]+)|\benv\[['"](FOOTFALL_[A-Z0-9_]+)['"]\]/g)].map((m) => m[1] ?? m[2] ?? '')));

/** Variables of the host app an example may read (clearly the app's, not Footfall's). */
const APP_VARIABLES = new Set(['PORT', 'NODE_ENV', 'REDIS_URL', 'DATABASE_URL']);

describe('one spelling of each environment variable everywhere', () => {
  it('finds the variables the code reads', () => {
    for (const name of ['FOOTFALL_GA4_MEASUREMENT_ID', 'FOOTFALL_GA4_API_SECRET', 'FOOTFALL_ENDPOINT', 'FOOTFALL_DISABLED', 'FOOTFALL_HASH_KEY']) assert.ok(read.has(name), name);
  });

  it('every FOOTFALL_ name in README.md and docs/*.md is one the code reads', () => {
    const unknown = docs.flatMap(({ file, text }) => footfallNames(text).filter((name) => !read.has(name)).map((name) => `${file}: ${name}`));
    assert.deepEqual([...new Set(unknown)], []);
  });

  it('every FOOTFALL_ name the source mentions (help texts, messages, comments) is one it reads', () => {
    const unknown = sources.flatMap(({ file, text }) => footfallNames(text).filter((name) => !read.has(name)).map((name) => `${file}: ${name}`));
    assert.deepEqual([...new Set(unknown)], []);
  });

  it('every variable the code reads is documented', () => {
    const documented = new Set(docs.flatMap(({ text }) => footfallNames(text)));
    assert.deepEqual([...read].filter((name) => !documented.has(name)), []);
  });

  it('examples in the docs read Footfall\'s own variables, not look-alikes (GA_MEASUREMENT_ID, GA_API_SECRET...)', () => {
    const foreign = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => !read.has(name) && !APP_VARIABLES.has(name))
        .map((name) => `${file}: process.env.${name}`),
    );
    assert.deepEqual(foreign, []);
  });
});
