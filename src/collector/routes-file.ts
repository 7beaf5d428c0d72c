import { readFileSync, statSync } from 'node:fs';
import { METHODS } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { FootfallError } from '../errors.js';
import { jsonErrorOffset } from './json-error-position.js';
import { isJsonObject, kindOf, openApiRoutes } from './routes-openapi.js';
import { compareRoutes } from './route-match.js';
import type { DeclaredRoute } from './types.js';

/** Largest routes file read; an OpenAPI document of thousands of operations is far smaller. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Most routes an inventory may hold. */
const MAX_ROUTES = 100_000;
/** Longest route template accepted. */
const MAX_ROUTE_CHARS = 1000;
/** Methods node:http knows (GET ... PROPFIND ...), plus ALL for "any method". */
const KNOWN_METHODS = new Set([...METHODS, 'ALL']);
const EXPECTED_ITEM = 'expected a string like "GET /users/:id" or an object like {"method": "GET", "route": "/users/:id"}';
const EXPECTED_DOCUMENT = 'expected an OpenAPI 3 document (with `openapi` and `paths`), a list like ["GET /users/:id"] or [{"method": "GET", "route": "/users/:id"}], or {"routes": [...]}';

/**
 * Reads a route inventory from a file: an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML)
 * or a JSON list (what `listRoutes(app)` returns). Synchronous: CLI and startup code.
 * Throws FOOTFALL_ERR_INVALID_ROUTES_FILE saying what was expected and what was found.
 */
export function loadRoutesFile(path: string): DeclaredRoute[] {
  const name = JSON.stringify(path);
  const text = readRoutesText(path, name);
  return /\.json$/i.test(path) ? parseJsonFile(text, name) : parseRoutesDocument(text, name);
}

/** A `.json` file is JSON only: what YAML forgives (a trailing comma, YAML itself) is refused there. */
function parseJsonFile(text: string, name: string): DeclaredRoute[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw invalid(name, 'the file is empty; ' + EXPECTED_DOCUMENT);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw invalid(name, `a .json file must be JSON: ${jsonErrorReason(body, error)}`);
  }
  return parseRoutesInput(value, name);
}

function readRoutesText(path: string, name: string): string {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw invalid(name, 'it is a directory, expected a file');
    if (stats.size > MAX_FILE_BYTES) throw invalid(name, `it is ${stats.size} bytes, more than the ${MAX_FILE_BYTES / 1024 / 1024} MB a routes file may be`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof FootfallError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw invalid(name, `file not found${isAbsolute(path) ? '' : ` (looked for ${resolve(path)})`}`);
    if (code === 'EACCES') throw invalid(name, 'permission denied: the file is not readable');
    throw invalid(name, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Parses the text of a routes file: JSON when it starts with `{` or `[` (YAML when that
 * fails), YAML otherwise. `name` says in errors which input it was (e.g. a file path).
 */
export function parseRoutesDocument(text: string, name: string): DeclaredRoute[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw invalid(name, 'the file is empty; ' + EXPECTED_DOCUMENT);
  return /^\s*[[{]/.test(body) ? parseJson(body, name) : parseRoutesInput(parseYaml(body, name), name);
}

/** JSON; a YAML flow document (`{openapi: 3.0.0, ...}`) is taken too, else the JSON error is told. */
function parseJson(body: string, name: string): DeclaredRoute[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    try {
      return parseRoutesInput(parseYaml(body, name), name);
    } catch {
      throw invalid(name, jsonErrorReason(body, error));
    }
  }
  return parseRoutesInput(value, name);
}

function parseYaml(body: string, name: string): unknown {
  const yaml = parseDocument(body);
  const first = yaml.errors[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw invalid(name, `${at === undefined ? '' : `line ${at.line}, column ${at.col}: `}YAML parse error: ${message}`);
  }
  return toJs(yaml, name);
}

function toJs(document: ReturnType<typeof parseDocument>, name: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalid(name, `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `line 3, column 5: JSON parse error: ...` from JSON.parse's "at position N". */
function jsonErrorReason(body: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? jsonErrorOffset(body));
  // V8 quotes a snippet of the text ('..."ems/:id",\n]" is not valid JSON'); the position says more.
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
  if (offset < 0) return `JSON parse error: ${reason}`;
  const before = body.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: JSON parse error: ${reason}`;
}

/**
 * A route inventory from already-parsed JSON: a list of `"GET /users/:id"` strings (method
 * optional: ALL) or `{method, route}` / `{method, path}` objects, `{ routes: [...] }`, or an
 * OpenAPI document. Methods are upper-cased and checked, routes checked; the result is
 * de-duplicated and sorted by route, then method.
 */
export function parseRoutesInput(value: unknown, name: string): DeclaredRoute[] {
  return tidy(routesOf(value, name), name);
}

function routesOf(value: unknown, name: string): DeclaredRoute[] {
  if (Array.isArray(value)) return listRoutes(value, name);
  if (!isJsonObject(value)) throw invalid(name, `found ${kindOf(value)}; ${EXPECTED_DOCUMENT}`);
  if ('openapi' in value || 'swagger' in value) {
    return openApiRoutes(value, name).map((route) => checked(route.method, route.route, `path ${JSON.stringify(route.route)}`, name));
  }
  if (Array.isArray(value.routes)) return listRoutes(value.routes, name);
  if ('routes' in value) throw invalid(name, `\`routes\` is ${kindOf(value.routes)}, expected a list like ["GET /users/:id"]`);
  if ('paths' in value) throw invalid(name, 'found `paths` but no `openapi: 3.x` (or `swagger: "2.0"`) field; add it so the document is read as OpenAPI');
  const keys = Object.keys(value).slice(0, 5).map((key) => JSON.stringify(key)).join(', ');
  throw invalid(name, `found an object with ${keys === '' ? 'no keys' : `keys ${keys}`}; ${EXPECTED_DOCUMENT}`);
}

function listRoutes(items: readonly unknown[], name: string): DeclaredRoute[] {
  if (items.length > MAX_ROUTES) throw invalid(name, `the list has ${items.length} routes, more than the ${MAX_ROUTES} an inventory may hold`);
  return items.map((item, index) => routeOfItem(item, `item ${index + 1} of ${items.length}`, name));
}

function routeOfItem(item: unknown, where: string, name: string): DeclaredRoute {
  if (typeof item === 'string') {
    const parts = item.trim().split(/\s+/);
    if (parts.length > 2) throw invalid(name, `${where} ${JSON.stringify(item)} has spaces in its route; ${EXPECTED_ITEM}`);
    const [first = '', second] = parts;
    return second === undefined ? checked('ALL', first, where, name) : checked(first, second, where, name);
  }
  if (!isJsonObject(item)) throw invalid(name, `${where} is ${kindOf(item)}, ${EXPECTED_ITEM}`);
  const route = item.route ?? item.path;
  const method = item.method ?? 'ALL';
  if (typeof route !== 'string') {
    const keys = Object.keys(item).map((key) => JSON.stringify(key)).join(', ');
    throw invalid(name, `${where} has ${route === undefined ? `no \`route\` or \`path\` (keys: ${keys || 'none'})` : `\`route\` ${kindOf(route)}`}, ${EXPECTED_ITEM}`);
  }
  if (typeof method !== 'string') throw invalid(name, `${where} has \`method\` ${kindOf(method)}, expected a string like "GET" (or "ALL", or no method, for any)`);
  return checked(method, route, where, name);
}

/** Upper-cases and checks one route: a known method or ALL, and a template starting with `/`. */
function checked(method: string, route: string, where: string, name: string): DeclaredRoute {
  const upper = method.toUpperCase();
  if (!KNOWN_METHODS.has(upper)) throw invalid(name, `${where} has method ${JSON.stringify(method.slice(0, 40))}, expected an HTTP method like GET, POST, PUT, PATCH, DELETE, or ALL`);
  if (!route.startsWith('/')) throw invalid(name, `${where} has route ${JSON.stringify(route.slice(0, 60))}, expected a path starting with "/" like "/users/:id"`);
  if (route.length > MAX_ROUTE_CHARS) throw invalid(name, `${where} has a route of ${route.length} characters, at most ${MAX_ROUTE_CHARS} are accepted`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(route)) throw invalid(name, `${where} has route ${JSON.stringify(route.slice(0, 60))}, which contains whitespace or control characters`);
  return { method: upper, route };
}

function tidy(routes: readonly DeclaredRoute[], name: string): DeclaredRoute[] {
  const unique = new Map(routes.map((route) => [`${route.method} ${route.route}`, route]));
  if (unique.size > MAX_ROUTES) throw invalid(name, `the document has ${unique.size} routes, more than the ${MAX_ROUTES} an inventory may hold`);
  return [...unique.values()].sort(compareRoutes);
}

function invalid(name: string, reason: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_INVALID_ROUTES_FILE', name, reason);
}
