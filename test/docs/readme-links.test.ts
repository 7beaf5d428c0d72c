// Issue 12: the README sent readers to a DESIGN.md that the repository does not have.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

/** Relative link targets and bare `NAME.md` mentions of a Markdown file, without anchors. */
function referencedFiles(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((found) => found[1] ?? '').filter((target) => !/^[a-z]+:|^#/.test(target));
  const mentions = [...text.matchAll(/(?<![\w/.-])([\w-]+\.md)\b/g)].map((found) => found[1] ?? '');
  return [...new Set([...links, ...mentions].map((target) => target.replace(/#.*$/, '')).filter((target) => target !== ''))];
}

describe('README.md', () => {
  it('names only files the repository has (links and bare *.md mentions)', () => {
    const missing = referencedFiles('README.md').filter((target) => !existsSync(join(dirname('README.md'), target)) && !existsSync(join('docs', target)));
    assert.deepEqual(missing, []);
  });
});
