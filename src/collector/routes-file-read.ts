import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FootfallError } from '../errors.js';

/** Largest routes file read (and, for a gzip file, largest once decompressed). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_MB = MAX_FILE_BYTES / 1024 / 1024;

/** Compressed or archived formats by their first bytes, with how to get the document out. */
const PACKED: readonly { magic: readonly number[]; what: string; fix: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', fix: 'unzip it and pass the document inside' },
  { magic: [0x42, 0x5a, 0x68], what: 'compressed with bzip2', fix: 'decompress it first (`bunzip2 FILE`)' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'compressed with xz', fix: 'decompress it first (`unxz FILE`)' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'compressed with zstd', fix: 'decompress it first (`unzstd FILE`)' },
];

/** A routes file's text, and the name that says its format (`openapi.json.gz` -> `openapi.json`). */
export interface RoutesFileText {
  readonly text: string;
  readonly formatName: string;
}

/**
 * Reads a routes file as text: a gzip file (by its first bytes) is decompressed; a directory,
 * a missing or unreadable file, a file over 20 MB and other compressed formats are refused
 * with FOOTFALL_ERR_ROUTES_FILE_UNREADABLE, each saying what it found and how to fix it.
 */
export function readRoutesFileText(path: string): RoutesFileText {
  const name = JSON.stringify(path);
  const bytes = readBytes(path, name);
  if (startsWith(bytes, [0x1f, 0x8b])) return { text: gunzip(bytes, name).toString('utf8'), formatName: path.replace(/\.gz$/i, '') };
  const packed = PACKED.find((entry) => startsWith(bytes, entry.magic));
  if (packed !== undefined) throw unreadable(name, `it is ${packed.what}, not a JSON or YAML document; ${packed.fix}`);
  return { text: bytes.toString('utf8'), formatName: path };
}

function readBytes(path: string, name: string): Buffer {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw unreadable(name, `it is a directory, expected a file: pass the file inside it (e.g. ${join(path, 'openapi.yaml')})`);
    if (stats.size > MAX_FILE_BYTES) throw unreadable(name, `it is ${megabytes(stats.size)}, more than the ${MAX_MB} MB a routes file may be; pass one API's description, or the list listRoutes(app) returns`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof FootfallError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw unreadable(name, `file not found${isAbsolute(path) ? '' : ` (looked for ${resolve(path)})`}; check the path`);
    if (code === 'EACCES') throw unreadable(name, 'permission denied: the file is not readable by this user');
    throw unreadable(name, error instanceof Error ? error.message : String(error));
  }
}

function gunzip(bytes: Buffer, name: string): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw unreadable(name, `it is gzip that decompresses to more than the ${MAX_MB} MB a routes file may be`);
    }
    throw unreadable(name, `it is gzip but could not be decompressed (${error instanceof Error ? error.message : String(error)}); the file may be cut short: fetch it again, or decompress it yourself (\`gunzip -t FILE\` tells)`);
  }
}

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes} bytes)`;
}

function unreadable(name: string, reason: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_ROUTES_FILE_UNREADABLE', name, reason);
}
