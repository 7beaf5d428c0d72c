import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where one input file stands: the last line fully stored (or delivered), by its byte offset. */
export interface FileProgress {
  /** The input as given (for people reading the file; the identity is the key). */
  readonly name: string;
  /** Byte offset (decompressed) of the last line stored: a resumed import starts after it. */
  readonly lastOffset: number;
  readonly lastLineNumber: number;
  /** True once the whole file was read. */
  readonly done: boolean;
}

/**
 * The state file of `--resume`: per input file identity (see hit-ids.ts), how far the import
 * got. Written after every stored batch (to a temporary file, then renamed, so a crash leaves
 * the old state or the new one, never half of one). A state behind the store is harmless: the
 * lines after it are stored again and add nothing (their hit ids are stored already).
 */
export interface ResumeState {
  get(identity: string): FileProgress | undefined;
  set(identity: string, progress: FileProgress): void;
}

interface StateFile {
  readonly version: 1;
  readonly files: Record<string, FileProgress>;
}

export function loadResumeState(path: string): ResumeState {
  const files = readState(path);
  return {
    get: (identity) => files[identity],
    set(identity, progress) {
      files[identity] = progress;
      const text = `${JSON.stringify({ version: 1, files } satisfies StateFile, null, 2)}\n`;
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    },
  };
}

function readState(path: string): Record<string, FileProgress> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`the import state file ${JSON.stringify(path)} could not be read (${(error as Error).message}): pass another --state FILE, or delete it to import from the start.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const files = (parsed as Partial<StateFile> | undefined)?.files;
  if ((parsed as Partial<StateFile> | undefined)?.version !== 1 || files === null || typeof files !== 'object') {
    throw new Error(`the import state file ${JSON.stringify(path)} is not one footfall import wrote (expected {"version":1,"files":{...}}): pass another --state FILE, or delete it to import from the start.`);
  }
  return { ...files };
}
