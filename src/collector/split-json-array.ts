import { CLOSE_ARRAY, CLOSE_OBJECT, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE, jsonStringEnd } from '../internal/json-chars.js';
/**
 * The texts of a JSON array's elements, as written: `/mp/batch` validates each payload's own
 * text as `/mp/collect` would (its byte size, its duplicate keys), so re-serialising a parsed
 * element would not do. `text` must already have parsed as a JSON array (JSON.parse); this
 * only finds where each element starts and ends.
 */
export function splitJsonArray(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (depth === 1 && start < 0 && !isSpace(c) && c !== COMMA && c !== CLOSE_ARRAY) start = i;
    if (c === QUOTE) i = jsonStringEnd(text, i);
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
      if (depth === 0) {
        if (start >= 0) items.push(text.slice(start, i).trimEnd());
        break;
      }
    } else if (c === COMMA && depth === 1) {
      items.push(text.slice(start, i).trimEnd());
      start = -1;
    }
  }
  return items;
}


/** JSON's four whitespace characters. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
