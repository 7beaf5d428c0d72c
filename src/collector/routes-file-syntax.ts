import { parse, YAMLParseError } from 'yaml';
import { FootfallError } from '../errors.js';
import { jsonErrorOffset } from './json-error-position.js';

/** How many aliases (`*anchor`) a YAML document may use: enough for shared responses, not for a billion laughs. */
const MAX_YAML_ALIASES = 10_000;

/**
 * JSON only: no YAML attempt after a JSON error (YAML would forgive a trailing comma, and a
 * failed YAML parse of megabytes costs seconds). `context` starts the reason, e.g. "a .json
 * file must be JSON: ". Throws FOOTFALL_ERR_ROUTES_FILE_SYNTAX with the line and column.
 */
export function parseJsonText(body: string, name: string, context = ''): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw syntax(name, `${context}${jsonErrorReason(body, error)}`);
  }
}

/**
 * YAML as js-yaml and PyYAML read it (the parsers of Swagger UI and Redocly): merge keys
 * (`<<: *anchor`) on. A key repeated in one map is taken as PyYAML takes it (the last one
 * wins): `yaml`'s uniqueness check compares each key with every earlier one, which doubles
 * the time of a document with thousands of paths. Plain data only, no document model kept.
 */
export function parseYamlText(body: string, name: string): unknown {
  try {
    return parse(body, { merge: true, uniqueKeys: false, maxAliasCount: MAX_YAML_ALIASES, prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) throw syntax(name, yamlErrorReason(error));
    throw syntax(name, `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function yamlErrorReason(error: YAMLParseError): string {
  const at = error.linePos?.[0];
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const fix = error.code === 'TAB_AS_INDENT' ? '; indent with spaces instead' : '';
  return `${at === undefined ? '' : `line ${at.line}, column ${at.col}: `}YAML parse error: ${message}${fix}`;
}

/**
 * `line 3, column 5: JSON parse error: ...` from JSON.parse's "at position N" (or Footfall's
 * own scan where V8 names none); a text that stops while an object or list is open says so.
 */
function jsonErrorReason(body: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? jsonErrorOffset(body));
  // V8 quotes a snippet of the text ('..."ems/:id",\n]" is not valid JSON'); the position says more.
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
  if (offset < 0) return `JSON parse error: ${reason}`;
  const { line, column } = lineColumn(body, offset);
  if (offset >= body.trimEnd().length) {
    return `JSON parse error: the file ends early at line ${line}, column ${column}, before the document is complete (an object, list or string is still open); it was probably cut short (by a download, a copy or a full disk): fetch or export it again`;
  }
  return `line ${line}, column ${column}: JSON parse error: ${reason}`;
}

function lineColumn(body: string, offset: number): { line: number; column: number } {
  const before = body.slice(0, Math.min(offset, body.trimEnd().length));
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

function syntax(name: string, reason: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', name, reason);
}
