import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { FootfallError, describeValue } from '../../errors.js';

const byName = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The files `footfall import` reads, in order: each argument as given (`-` is standard input),
 * or, for a glob (`logs/access.log*`), the files it matches, sorted by name with numbers in
 * numeric order (access.log.2 before access.log.10). A file named twice is read once. A path
 * that does not exist, or a glob that matches nothing, throws FOOTFALL_ERR_IMPORT_INPUT_MISSING;
 * a directory, FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE. A path that exists is taken as it is even
 * if it looks like a glob (`access[1].log`).
 */
export async function expandInputs(args: readonly string[]): Promise<string[]> {
  if (args.length === 0) throw new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_MISSING', 'list', 'is empty: expected a file, a glob or -');
  const files: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    for (const file of await expandOne(arg)) {
      const key = file === '-' ? file : resolve(file);
      if (!seen.has(key)) files.push(file);
      seen.add(key);
    }
  }
  return files;
}

async function expandOne(arg: string): Promise<string[]> {
  if (arg === '-') return ['-'];
  const info = await stat(arg).catch(() => undefined);
  if (info !== undefined) {
    if (info.isDirectory()) throw new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', describeValue(arg), 'it is a directory; give the files in it, e.g. "dir/*.log"');
    return [arg];
  }
  if (!isDynamicPattern(arg)) throw new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_MISSING', describeValue(arg), 'does not exist');
  // tinyglobby answers relative to the working directory unless asked: an absolute glob gives absolute paths.
  const matches = await glob(arg, { onlyFiles: true, expandDirectories: false, dot: false, absolute: isAbsolute(arg) });
  if (matches.length === 0) throw new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_MISSING', `${JSON.stringify(arg)} (a glob)`, 'matches no file');
  return matches.sort(byName);
}
