import type { PoolClient } from 'pg';

/**
 * A simple query whose statements include `COPY ... FROM STDIN`s, sent together with the rows
 * of each (`copies`, in the order of the COPY statements in `text`) in one write, without waiting for the server's CopyInResponse: with the
 * statements around it, a whole write is one round trip. The protocol allows it: the server
 * reads the CopyData that follows once it reaches the COPY, runs the statements after it, and
 * drops CopyData and CopyDone it receives outside a COPY, as after an earlier statement failed
 * ("Any subsequent CopyData, CopyDone, or CopyFail messages issued by the frontend will simply be
 * dropped", PostgreSQL's protocol flow, "COPY Operations"). pg-copy-streams waits for the
 * CopyInResponse (a round trip more) and fails on the rows of statements before the COPY.
 *
 * Resolves once the server is ready for the next query; rejects with the server's error (the
 * transaction is then failed, and the caller rolls back) or the connection's.
 */
export function queryWithCopy(client: PoolClient, text: string, copies: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const ignore = (): void => undefined;
    // pg's Submittable: `submit` writes the messages, pg's client calls the handlers as replies arrive.
    const submittable = {
      submit(connection: PgConnection): void {
        const stream = connection.stream;
        stream.cork();
        connection.query(text);
        if (copies.length > 0) stream.write(copyMessages(copies));
        stream.uncork();
      },
      handleRowDescription: ignore,
      handleDataRow: ignore,
      handleCommandComplete: ignore,
      handleEmptyQuery: ignore,
      handlePortalSuspended: ignore,
      handleCopyInResponse: ignore,
      handleCopyData: ignore,
      // pg calls this for the server's error (the ReadyForQuery after it then goes to no query) and
      // for a lost connection; a promise settles once, so whichever comes first decides.
      handleError: (error: unknown) => reject(error),
      handleReadyForQuery: () => resolve(),
    };
    client.query(submittable as unknown as Parameters<PoolClient['query']>[0]);
  });
}

/** What of pg's Connection a submittable uses. */
interface PgConnection {
  query(text: string): void;
  readonly stream: { cork(): void; uncork(): void; write(chunk: Buffer): boolean };
}

/** For each COPY of the query, in order, one CopyData message holding all its rows, then CopyDone ('d', length, data; 'c', length 4). */
function copyMessages(copies: readonly string[]): Buffer {
  const lengths = copies.map((rows) => Buffer.byteLength(rows, 'utf8'));
  const messages = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + length + 10, 0));
  let at = 0;
  copies.forEach((rows, i) => {
    const length = lengths[i] as number;
    messages[at] = 0x64;
    messages.writeUInt32BE(length + 4, at + 1);
    messages.write(rows, at + 5, 'utf8');
    at += length + 5;
    messages[at] = 0x63;
    messages.writeUInt32BE(4, at + 1);
    at += 5;
  });
  return messages;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A field of COPY's text format: `\N` for none, numbers as pg writes parameters (String(n)),
 * text with backslash, tab, newline and carriage return escaped (the only characters the format
 * gives a meaning; NUL never reaches here, see storable-text.ts).
 */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
}
