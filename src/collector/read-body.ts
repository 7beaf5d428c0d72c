import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly status: 413 | 400; readonly error: string };

/**
 * Reads a request body of at most `maxBytes`. A declared or actual size over the limit is
 * answered 413 without buffering the rest; the caller closes the connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve(tooLarge(declared, maxBytes));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        finish(tooLarge(size, maxBytes, true));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ ok: false, status: 400, error: 'the request body could not be read (connection error)' }));
    req.on('aborted', () => finish({ ok: false, status: 400, error: 'the client aborted the request body' }));
  });
}

function tooLarge(bytes: number, maxBytes: number, atLeast = false): BodyResult {
  return { ok: false, status: 413, error: `body is ${atLeast ? 'over ' : ''}${atLeast ? maxBytes : bytes} bytes; this endpoint takes at most ${maxBytes} bytes` };
}
