import { FootfallError } from '../errors.js';
import type { DeclaredRoute } from './types.js';

/** The operation keys of an OpenAPI Path Item (3.x and Swagger 2.0); other keys are not methods. */
const OPERATION_KEYS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** How many `$ref` hops a path item may take before we call it a cycle. */
const MAX_REF_HOPS = 10;

type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not a list). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value's kind for a message: `a number (4)`, `a list`, `null`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  return `an ${typeof value}`;
}

/**
 * Every `paths` entry times every operation key of an OpenAPI 3.x or Swagger 2.0 document,
 * as routes in Footfall's form: `{id}` becomes `:id`, and the path of `servers[0].url` (3.x)
 * or `basePath` (2.0) is put in front. Throws FOOTFALL_ERR_INVALID_ROUTES_FILE naming the
 * part of the document it could not use.
 */
export function openApiRoutes(doc: JsonObject, name: string): DeclaredRoute[] {
  const fail = (reason: string): never => {
    throw new FootfallError('FOOTFALL_ERR_INVALID_ROUTES_FILE', name, reason);
  };
  const prefix = 'swagger' in doc ? swaggerPrefix(doc, fail) : openApiPrefix(doc, fail);
  const paths = doc.paths;
  // OpenAPI 3.1 made `paths` optional (a webhooks-only API); webhooks are calls the API makes, not endpoints.
  if (paths === undefined && isOpenApi31OrLater(doc)) return [];
  if (paths === undefined) fail('`paths` is missing: expected an object like {"/users/{id}": {"get": {...}}}');
  if (!isJsonObject(paths)) return fail(`\`paths\` is ${kindOf(paths)}, expected an object like {"/users/{id}": {"get": {...}}}`);
  const routes: DeclaredRoute[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (path.startsWith('x-')) continue; // a specification extension, not a path
    if (!path.startsWith('/')) fail(`path ${JSON.stringify(path)} does not start with "/"`);
    const operations = resolvePathItem(doc, path, item, fail);
    const route = joinRoute(prefix, toColonParams(path));
    for (const key of OPERATION_KEYS) if (Object.hasOwn(operations, key)) routes.push({ method: key.toUpperCase(), route });
  }
  return routes;
}

function openApiPrefix(doc: JsonObject, fail: (reason: string) => never): string {
  const version = String(doc.openapi);
  if (!/^3(\.|$)/.test(version)) fail(`\`openapi\` is ${kindOf(doc.openapi)}, expected a 3.x version like "3.0.3" or "3.1.0" (a Swagger 2.0 document says \`swagger: "2.0"\`)`);
  const servers = doc.servers;
  if (servers === undefined || (Array.isArray(servers) && servers.length === 0)) return '';
  if (!Array.isArray(servers)) return fail(`\`servers\` is ${kindOf(servers)}, expected a list like [{"url": "https://api.example.com/v1"}]`);
  const first: unknown = servers[0];
  if (!isJsonObject(first) || typeof first.url !== 'string') return fail(`\`servers[0].url\` is ${kindOf(isJsonObject(first) ? first.url : first)}, expected a URL like "https://api.example.com/v1" or "/v1"`);
  return serverUrlPath(withVariableDefaults(first.url, isJsonObject(first.variables) ? first.variables : {}));
}

function isOpenApi31OrLater(doc: JsonObject): boolean {
  return !('swagger' in doc) && /^3\.(?:[1-9]|\d{2,})/.test(String(doc.openapi));
}

/**
 * A server URL with its variables' `default`s put in. A leading variable that is not a scheme
 * (`{baseUrl}/api`, not `{protocol}://...`) stands for scheme and host: its default counts
 * only for the path it holds (`https://x.example.com/gw` -> `/gw`, `/gw` -> `/gw`,
 * `api.example.com/gw` -> `/gw`), and without a default it adds no path. A variable with no
 * default elsewhere stays a parameter (`/{version}` -> `/:version`).
 */
export function withVariableDefaults(url: string, variables: JsonObject): string {
  const trimmed = url.trim();
  const leading = /^\{([^{}/]+)\}(?!:\/\/)/.exec(trimmed);
  const rest = leading === null ? trimmed : `${leadingPath(defaultOf(variables, leading[1] ?? ''))}${trimmed.slice(leading[0].length)}`;
  return rest.replace(/\{([^{}/]+)\}/g, (whole, variable: string) => defaultOf(variables, variable) ?? whole);
}

function defaultOf(variables: JsonObject, name: string): string | undefined {
  const variable = Object.hasOwn(variables, name) ? variables[name] : undefined;
  if (!isJsonObject(variable)) return undefined;
  const value = variable.default;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The path a leading server variable's default holds, whether it is a URL, a path or a host. */
function leadingPath(value: string | undefined): string {
  if (value === undefined) return '';
  if (value.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return serverUrlPath(value);
  const slash = value.indexOf('/');
  return slash < 0 ? '' : serverUrlPath(value.slice(slash));
}

function swaggerPrefix(doc: JsonObject, fail: (reason: string) => never): string {
  if (String(doc.swagger) !== '2.0' && doc.swagger !== 2) fail(`\`swagger\` is ${kindOf(doc.swagger)}, expected "2.0" (an OpenAPI 3 document says \`openapi: 3.x\` instead)`);
  const basePath = doc.basePath;
  if (basePath === undefined) return '';
  if (typeof basePath !== 'string' || !basePath.startsWith('/')) return fail(`\`basePath\` is ${kindOf(basePath)}, expected a path starting with "/" like "/v1"`);
  return trimSlash(toColonParams(basePath));
}

/**
 * The path part of a server URL: `https://{region}.example.com/v1` -> `/v1`, `/v1/` -> `/v1`,
 * `https://api.example.com` -> ``. Variables in the host are ignored; a variable in the path
 * (`/{version}`) becomes a parameter (`/:version`), as the app's own router would name it.
 */
export function serverUrlPath(url: string): string {
  const withoutQuery = url.trim().replace(/[?#].*$/s, '');
  const path = withoutQuery.replace(/^(?:[^/]*:)?\/\/[^/]*/, '').replace(/^\.(?=\/|$)/, '');
  return trimSlash(toColonParams(path.startsWith('/') || path === '' ? path : `/${path}`));
}

/** `{id}` -> `:id` (OpenAPI and server templates to the router form). */
export function toColonParams(path: string): string {
  return path.replace(/\{([^{}/]+)\}/g, ':$1');
}

function trimSlash(prefix: string): string {
  return prefix.replace(/\/+$/, '');
}

/** `/v1` + `/users` -> `/v1/users`; `/v1` + `/` -> `/v1` (as the adapters join mount paths). */
function joinRoute(prefix: string, path: string): string {
  if (prefix === '') return path;
  return path === '/' ? prefix : `${prefix}${path}`;
}

/** A path item, with a local `$ref` (`#/components/pathItems/...`) followed; siblings win. */
function resolvePathItem(doc: JsonObject, path: string, item: unknown, fail: (reason: string) => never, hops = 0): JsonObject {
  if (!isJsonObject(item)) return fail(`path ${JSON.stringify(path)} is ${kindOf(item)}, expected a Path Item object like {"get": {...}}`);
  const ref = item.$ref;
  if (ref === undefined) return item;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) {
    return fail(`path ${JSON.stringify(path)} has $ref ${JSON.stringify(ref)}, which cannot be resolved: only references inside the document ("#/...") are followed; bundle the document first (e.g. \`npx @redocly/cli bundle\`)`);
  }
  if (hops >= MAX_REF_HOPS) return fail(`path ${JSON.stringify(path)} has a $ref chain longer than ${MAX_REF_HOPS} hops (a cycle?)`);
  const target = jsonPointer(doc, ref.slice(1));
  if (target === undefined) return fail(`path ${JSON.stringify(path)} has $ref ${JSON.stringify(ref)}, which points at nothing in the document`);
  const siblings: JsonObject = { ...item };
  delete siblings.$ref;
  return { ...resolvePathItem(doc, path, target, fail, hops + 1), ...siblings };
}

/** RFC 6901 pointer (`/components/pathItems/a~1b`, percent-decoded) into own properties only. */
function jsonPointer(doc: JsonObject, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    let token: string;
    try {
      token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isJsonObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node, token)) return undefined;
    node = (node as JsonObject)[token];
  }
  return node;
}
