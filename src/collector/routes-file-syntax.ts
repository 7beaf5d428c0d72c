import { load, YAMLException } from 'js-yaml';
import { FootfallError } from '../errors.js';
import { jsonErrorOffset } from './json-error-position.js';

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
 * YAML read by js-yaml, the parser of Swagger UI and Redocly, so a document reads here as it
 * does in those tools: merge keys (`<<: *anchor`) on; a key repeated in one map is taken as
 * they and PyYAML take it, the last one wins (`json: true`). Aliases are shared objects, not
 * copies. js-yaml reads a 7 MB description ~9x faster than the `yaml` package, in a third of
 * the memory (bench/routes-file).
 */
export function parseYamlText(body: string, name: string): unknown {
  try {
    return load(body, { json: true, filename: name });
  } catch (error) {
    if (error instanceof YAMLException) throw syntax(name, yamlErrorReason(error));
    throw syntax(name, `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function yamlErrorReason(error: YAMLException): string {
  const { mark } = error as YAMLException & { mark?: { line: number; column: number } };
  const reason = error.reason.length > 0 ? error.reason : (error.message.split('\n')[0] ?? '');
  const fix = /tab characters/i.test(reason) ? '; indent with spaces instead' : '';
  const at = mark === undefined ? '' : `line ${mark.line + 1}, column ${mark.column + 1}: `;
  return `${at}YAML parse error: ${reason.charAt(0).toUpperCase()}${reason.slice(1)}${fix}`;
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
