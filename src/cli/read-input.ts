import { readFileSync } from 'node:fs';
import type { CliIo } from './run.js';

/** The text of `file`, or of standard input for `-`. Throws a message naming the file. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    if (io.stdin === undefined) throw new Error('cannot read standard input here: pass a file instead of -');
    return stripBom(await io.stdin());
  }
  try {
    return stripBom(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${JSON.stringify(file)}: ${reason}. Pass a file holding a GA4 JSON payload or a UA v1 body, or - to read standard input.`);
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
