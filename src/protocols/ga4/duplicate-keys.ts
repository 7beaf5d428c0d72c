import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../../internal/json-chars.js';
/**
 * Finds object keys given more than once in a JSON text (JSON.parse silently keeps the
 * last one). Iterative, so deep nesting cannot overflow the stack. Expects text that
 * JSON.parse accepted. Returns the paths of the duplicates, e.g. `events[0].params.a`.
 */
export function findDuplicateKeys(text: string, limit = 25): string[] {
  const found: string[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.kind === OBJECT && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) found.push(join(top.path, key));
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      stack.push({ kind: char === OPEN_OBJECT ? OBJECT : ARRAY, path: childPath(stack), keys: new Set(), lastKey: '', expectKey: true, index: 0 });
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
  path: string;
  keys: Set<string>;
  lastKey: string;
  expectKey: boolean;
  index: number;
}

const OBJECT = 1;
const ARRAY = 2;

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === BACKSLASH) i++;
    else if (char === QUOTE) return i;
  }
  return text.length - 1;
}

function childPath(stack: Frame[]): string {
  const parent = stack[stack.length - 1];
  if (parent === undefined) return '';
  return parent.kind === OBJECT ? join(parent.path, parent.lastKey) : `${parent.path}[${parent.index}]`;
}

function join(path: string, key: string): string {
  return path.length === 0 ? key : `${path}.${key}`;
}
