/** Small pure string helpers shared by core, privacy and protocols. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates with U+FFFD so the text can be UTF-8 and URI encoded. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * Cuts a percent-encoded string to at most `max` characters without splitting an escape
 * or the escapes of one UTF-8 character.
 */
export function cutEncoded(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const percent = text.lastIndexOf('%', end - 1);
  if (percent !== -1 && percent > end - 3) end = percent;
  return text.slice(0, dropPartialUtf8(text, end));
}

/** Moves `end` back before a trailing UTF-8 sequence whose escapes are incomplete. */
function dropPartialUtf8(text: string, end: number): number {
  let start = end;
  let continuation = 0;
  while (start >= 3 && text.charCodeAt(start - 3) === 0x25 && continuation < 4) {
    const byte = parseInt(text.slice(start - 2, start), 16);
    if (Number.isNaN(byte)) return end;
    start -= 3;
    if ((byte & 0xc0) !== 0x80) {
      const needed = byte >= 0xf0 ? 3 : byte >= 0xe0 ? 2 : byte >= 0xc0 ? 1 : 0;
      return needed > continuation ? start : end;
    }
    continuation++;
  }
  return end;
}

/** Number of bytes `text` takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  if (ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Removes control characters (C0, DEL, C1), which no header-derived field should carry. */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
