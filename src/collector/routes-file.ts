import { METHODS } from 'node:http';
import { FootfallError } from '../errors.js';
import { readRoutesFileText } from './routes-file-read.js';
import { parseJsonText, parseYamlText } from './routes-file-syntax.js';
import { isJsonObject, kindOf, openApiRoutes } from './routes-openapi.js';
import { compareRoutes } from './route-match.js';
import type { DeclaredRoute } from './types.js';

/** Most routes an inventory may hold. */
const MAX_ROUTES = 100_000;
/** Longest route template accepted. */
const MAX_ROUTE_CHARS = 1000;
/** Methods node:http knows (GET ... PROPFIND ...), plus ALL for "any method". */
const KNOWN_METHODS = new Set([...METHODS, 'ALL']);
const EXPECTED_ITEM = 'expected a string like "GET /users/:id" or an object like {"method": "GET", "route": "/users/:id"}';
const EXPECTED_DOCUMENT = 'expected an OpenAPI 3 document or Swagger 2.0 (with `openapi` or `swagger`, and `paths`), a list like ["GET /users/:id"] or [{"method": "GET", "route": "/users/:id"}], or {"routes": [...]}';

/** Which parser a text gets: decided once, never a second parser after the first fails. */
type Format = 'json-file' | 'json' | 'yaml';

/**
 * Reads a route inventory from a file: an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML,
 * gzip-compressed or not) or a JSON list (what `listRoutes(app)` returns). Synchronous: CLI
 * and startup code. A `.json` file is JSON only, a `.yaml`/`.yml` file YAML; otherwise the
 * first character decides. Throws FOOTFALL_ERR_ROUTES_FILE_UNREADABLE, _SYNTAX or
 * FOOTFALL_ERR_INVALID_ROUTES_FILE saying what was expected and what was found.
 */
export function loadRoutesFile(path: string): DeclaredRoute[] {
  const { text, formatName } = readRoutesFileText(path);
  return parseText(text, JSON.stringify(path), formatOfName(formatName));
}

/**
 * Parses the text of a routes file: JSON (only) when it starts with `{` or `[`, YAML
 * otherwise. `name` says in errors which input it was (e.g. a file path).
 */
export function parseRoutesDocument(text: string, name: string): DeclaredRoute[] {
  return parseText(text, name, undefined);
}

function formatOfName(path: string): Format | undefined {
  if (/\.json$/i.test(path)) return 'json-file';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}

function parseText(text: string, name: string, byName: Format | undefined): DeclaredRoute[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw invalid(name, 'the file is empty; ' + EXPECTED_DOCUMENT);
  const format = byName ?? (/^\s*[[{]/.test(body) ? 'json' : 'yaml');
  if (format === 'yaml') return parseRoutesInput(parseYamlText(body, name), name);
  return parseRoutesInput(parseJsonText(body, name, format === 'json-file' ? 'a .json file must be JSON: ' : ''), name);
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
  const all = Object.keys(value);
  const keys = all.slice(0, 8).map((key) => JSON.stringify(key)).join(', ') + (all.length > 8 ? `, ... (${all.length} in all)` : '');
  throw invalid(name, `found an object with ${keys === '' ? 'no keys' : `keys ${keys}`}: not an OpenAPI or Swagger document (no \`openapi\` or \`swagger\` field) nor a list of routes; ${EXPECTED_DOCUMENT}`);
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
