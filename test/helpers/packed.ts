import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const PACK_TIMEOUT_MS = 60_000;

export interface PackedProject {
  /** Temporary folder holding the tarball and the project; remove it when done. */
  readonly root: string;
  /** The scratch project: its node_modules holds footfall from the tarball and links to this repository's packages. */
  readonly project: string;
  /** node_modules/footfall inside it. */
  readonly installed: string;
  /** Paths inside the package, as `npm pack` listed them. */
  readonly files: string[];
}

/**
 * Packs this repository (dist must be built), unpacks the tarball as node_modules/footfall of a
 * scratch project, and links every other package of this repository's node_modules into it,
 * but those named in `without` (to see what a user who never installed them gets).
 */
export async function packAndInstall({ without = [] }: { without?: readonly string[] } = {}): Promise<PackedProject> {
  assert.ok(existsSync('dist/index.cjs'), 'dist is missing: run npm run build first');
  const root = mkdtempSync(join(tmpdir(), 'footfall-packed-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], { timeout: PACK_TIMEOUT_MS });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(packed !== undefined);
  const project = join(root, 'project');
  const installed = join(project, 'node_modules', 'footfall');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(root, packed.filename), '-C', installed, '--strip-components=1'], { timeout: PACK_TIMEOUT_MS });
  for (const name of readdirSync('node_modules')) {
    if (name === 'footfall' || name.startsWith('.') || without.includes(name)) continue;
    symlinkSync(resolve('node_modules', name), join(project, 'node_modules', name), 'dir');
  }
  return { root, project, installed, files: packed.files.map((file) => file.path) };
}
