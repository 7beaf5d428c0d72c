/**
 * How a declared route template is read, segment by segment (see docs/routes.md, "Matching").
 * Both sides get one normalisation: empty segments are dropped, so `/api/tasks/` (Django REST
 * Framework, @fastify/swagger) is `/api/tasks`, and `//a` is `/a`.
 *
 * In a segment, `:` starts a parameter at the segment's start or after `-` or `.` (Express's
 * `/:from-:to`, `/:file.:ext`); a name is letters, digits, `_`, `$`, and `-` or `.` between
 * them (OpenAPI's `{enterprise-team}`, `{file.name}`). A `:` right after a parameter starts a
 * literal: Google's custom methods (`/v2/{name}:pause`) stay distinct.
 */

/** A piece of a segment: literal text, or a parameter standing for one or more characters. */
export type Part = { readonly literal: string } | { readonly param: true };

export type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly optional: boolean }
  | { readonly kind: 'rest'; readonly min: 0 | 1 }
  | { readonly kind: 'mixed'; readonly parts: readonly Part[] };

const NAME = /^[A-Za-z_$][\w$]*(?:[-.][A-Za-z0-9_$][\w$]*)*/;
const PATTERN = /^(?:\([^)]*\)+|\{[^}]*\})/;

/** The non-empty segments of a path or template (trailing and doubled slashes dropped). */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

export function parseSegment(text: string): Segment {
  if (text === '*') return { kind: 'rest', min: 0 };
  const parts: Part[] = [];
  let modifier = '';
  let i = 0;
  while (i < text.length) {
    const param = paramAt(text, i, parts);
    if (param === undefined) {
      const last = parts[parts.length - 1];
      if (last !== undefined && 'literal' in last) parts[parts.length - 1] = { literal: last.literal + (text[i] ?? '') };
      else parts.push({ literal: text[i] ?? '' });
      i += 1;
      continue;
    }
    parts.push({ param: true });
    modifier = param.modifier;
    i = param.end;
  }
  return segmentOf(parts, modifier);
}

function segmentOf(parts: readonly Part[], modifier: string): Segment {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) {
    if ('literal' in only) return { kind: 'literal', text: only.literal };
    if (modifier === '*' || modifier === '+') return { kind: 'rest', min: modifier === '*' ? 0 : 1 };
    return { kind: 'param', optional: modifier === '?' };
  }
  return { kind: 'mixed', parts };
}

/** A parameter starting at `i` (its end and modifier), or undefined when `:` is literal there. */
function paramAt(text: string, i: number, parts: readonly Part[]): { end: number; modifier: string } | undefined {
  if (text[i] !== ':') return undefined;
  const last = parts[parts.length - 1];
  const starts = last === undefined || ('literal' in last && /[-.]$/.test(last.literal));
  const name = starts ? NAME.exec(text.slice(i + 1)) : null;
  if (name === null) return undefined;
  let end = i + 1 + name[0].length;
  const pattern = PATTERN.exec(text.slice(end));
  if (pattern !== null) end += pattern[0].length;
  const modifier = /[?*+]/.test(text[end] ?? '') ? (text[end] ?? '') : '';
  return { end: end + modifier.length, modifier };
}

/** A segment's shape: parameter names and modifiers erased, literal `:` escaped. */
export function segmentShape(segment: Segment): string {
  switch (segment.kind) {
    case 'literal':
      return escapeColon(segment.text);
    case 'param':
    case 'rest':
      return ':';
    case 'mixed':
      return segment.parts.map((part) => ('literal' in part ? escapeColon(part.literal) : ':')).join('');
  }
}

function escapeColon(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/** A mixed segment as a whole-segment regular expression (each parameter one or more characters). */
export function mixedRegExp(parts: readonly Part[]): RegExp {
  const body = parts.map((part) => ('literal' in part ? part.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '(?:.+?)')).join('');
  return new RegExp(`^${body}$`, 's');
}
