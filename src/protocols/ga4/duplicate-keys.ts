import { CLOSE_ARRAY, CLOSE_OBJECT, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE, jsonStringEnd } from '../../internal/json-chars.js';
/**
 * Finds object keys given more than once in a JSON text (JSON.parse silently keeps the
 * last one). Iterative, so deep nesting cannot overflow the stack. Expects text that
 * JSON.parse accepted. Returns the paths of the duplicates, e.g. `events[0].params.a`.
 *
 * It runs on every payload a collector takes, so it does the least per key: a key without
 * escapes is sliced, not parsed; an object's key set is made at its second key; a path is
 * built only for a duplicate, from the frames above it.
 */
export function findDuplicateKeys(text: string, limit = 25): string[] {
  const found: string[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const end = jsonStringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.kind === OBJECT && top.expectKey) {
        const key = keyAt(text, i, end);
        if (top.count === 1) top.keys = new Set([top.lastKey]);
        if (top.keys !== undefined) {
          if (top.keys.has(key)) found.push(join(pathOf(stack), key));
          else top.keys.add(key);
        }
        top.lastKey = key;
        top.count++;
        top.expectKey = false;
      }
      i = end;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      stack.push({ kind: char === OPEN_OBJECT ? OBJECT : ARRAY, keys: undefined, count: 0, lastKey: '', expectKey: true, index: 0 });
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      stack.pop();
    } else if (char === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.kind === OBJECT) top.expectKey = true;
      else if (top !== undefined) top.index++;
    }
  }
  return found;
}

interface Frame {
  kind: number;
  /** The keys seen, from the second key on (an object of one key needs no set). */
  keys: Set<string> | undefined;
  count: number;
  lastKey: string;
  expectKey: boolean;
  index: number;
}

const OBJECT = 1;
const ARRAY = 2;

/** The key between the quotes at `start` and `end`: sliced, or parsed when it has an escape. */
function keyAt(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

/** The path of the innermost frame: each object frame adds its current key, each array its index. */
function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (let depth = 0; depth < stack.length - 1; depth++) {
    const frame = stack[depth] as Frame;
    path = frame.kind === OBJECT ? join(path, frame.lastKey) : `${path}[${frame.index}]`;
  }
  return path;
}

function join(path: string, key: string): string {
  return path.length === 0 ? key : `${path}.${key}`;
}
