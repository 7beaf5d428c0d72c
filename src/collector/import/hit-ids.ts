import { createHash } from 'node:crypto';

/** The most of the first line that goes into a file's identity. */
const MAX_IDENTITY_CHARS = 65_536;

/**
 * A log file's identity: 12 hex characters of SHA-256 over its first line (at most 64 KiB of
 * it), as read from the decompressed stream. Chosen so that
 * - a log that grows keeps its identity (its first line does not change), so a later import of
 *   the grown file skips nothing and repeats nothing;
 * - a rotated log (`access.log.1`) keeps the identity it had as `access.log`, and its gzipped copy
 *   (`access.log.1.gz`) has the same one too: offsets are counted in the decompressed stream, so
 *   each line gets the same hit id under every name;
 * - a new log after rotation starts with another line (another time, usually another request),
 *   so it gets another identity.
 * Two different files that begin with the very same line would share one (their lines at equal
 * offsets would then be taken for each other): docs/import.md says so.
 */
export function fileIdentity(firstLine: string): string {
  const text = firstLine.length > MAX_IDENTITY_CHARS ? firstLine.slice(0, MAX_IDENTITY_CHARS) : firstLine;
  return createHash('sha256').update('footfall:import\u0000').update(text).digest('hex').slice(0, 12);
}

/**
 * A line's hit id: its file's identity and the line's byte offset in the decompressed stream
 * (base 36), e.g. `log-1f3a9c0b2d4e-2kq9`. Stable across runs, names and compression, so a
 * line imported twice is stored once (the store and the collector keep one hit per (client, hit id)).
 */
export function lineHitId(identity: string, offset: number): string {
  return `log-${identity}-${offset.toString(36)}`;
}
