import { VERSION } from '../version.js';

/** An HTTP answer, or why there was none. Never throws. */
export type PostResult = { ok: true; status: number; text: string } | { ok: false; error: string };

/** Answers longer than this are cut: the CLI only prints them. */
const MAX_ANSWER_CHARS = 65_536;

/** POSTs `body` to `url` once, on a fresh connection, giving up after `timeoutMs`. */
export async function postBody(url: string, body: string, contentType: string, timeoutMs: number): Promise<PostResult> {
  try {
    // Loaded here, not with the CLI: undici is a tenth of a second of start for the commands that never post.
    const { request } = await import('undici');
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'user-agent': `footfall-cli/${VERSION}` },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      reset: true,
    });
    const text = await response.body.text();
    return { ok: true, status: response.statusCode, text: text.slice(0, MAX_ANSWER_CHARS) };
  } catch (error) {
    return { ok: false, error: describeFailure(error, timeoutMs) };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms (--timeout-ms)`;
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
