import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToRegexp } from 'path-to-regexp';
import type { Tracker } from '../../delivery/tracker.js';
import { FootfallError, describeValue } from '../../errors.js';
import { countHeadAsGet } from '../shared/head.js';
import type { AdapterOptions } from '../shared/options.js';
import { createResponseWatch, observe, pathOf } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder } from '../shared/recorder.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

export interface NodeAdapterOptions extends AdapterOptions<IncomingMessage> {
  /** Route templates, optionally with a method: `'/v1/users/:id'`, `'GET /v1/users/:id'` (path-to-regexp syntax). */
  routes?: readonly string[] | undefined;
  /** Or: the template of a request, `null` for none. Wins over `routes`. */
  route?: ((req: IncomingMessage) => string | null | undefined) | undefined;
}

/**
 * For node:http: returns a `request` listener. Add it before your handler and every request
 * becomes a hit: `server.on('request', trackRequests(tracker, { routes }))`.
 */
export function trackRequests(tracker?: Tracker, options: NodeAdapterOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const recorder = createRecorder(tracker, options, { name: 'trackRequests (footfall/node)', ownKeys: ['routes', 'route'] });
  const routeOf = options.route;
  const declared = routeOf === undefined ? compileRoutes(options.routes) : undefined;
  const observeNode = (req: IncomingMessage, started: number, status: number) => {
    if (declared === undefined) return observe(req, started, routeOf?.(req), status);
    const route = declared(req);
    return countHeadAsGet(observe(req, started, route?.path ?? null, status), route?.method !== 'GET');
  };
  const watch = createResponseWatch<IncomingMessage>((req, started, status) => recorder.record(req, observeNode(req, started, status)));
  return function footfallListener(req, res) {
    try {
      if (!claimRequest(req) || !recorder.wants(req, req.method ?? 'GET')) return;
      watch(res, req, performance.now());
    } catch {
      // Never into the app.
    }
  };
}

/** The declared routes, from the same list given as `routes`. */
export function listRoutes(routes: readonly string[]): DeclaredRoute[] {
  return tidyRoutes(parseRoutes(routes).map(({ method, path }) => ({ method: method ?? 'ALL', path })));
}

function parseRoutes(routes: readonly string[]): { method: string | undefined; path: string }[] {
  return routes.map((entry) => {
    const found = /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(typeof entry === 'string' ? entry.trim() : '');
    if (found === null) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'routes', 'route templates like "/v1/users/:id" or "GET /v1/users/:id"', describeValue(entry));
    return { method: found[1]?.toUpperCase(), path: found[2] ?? '/' };
  });
}

interface CompiledRoute {
  method: string | undefined;
  path: string;
  /** The template's pattern (path-to-regexp's `match` with its defaults, without building the params Footfall never reads). */
  pattern: RegExp;
}

/** The declared route of a request; a HEAD with no route of its own gets its path's GET route. */
function compileRoutes(routes: readonly string[] | undefined): ((req: IncomingMessage) => CompiledRoute | undefined) | undefined {
  if (routes === undefined) return undefined;
  if (!Array.isArray(routes)) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'routes', 'an array of route templates', describeValue(routes));
  const compiled = parseRoutes(routes).map(({ method, path }): CompiledRoute => {
    try {
      return { method, path, pattern: pathToRegexp(path).regexp };
    } catch (error) {
      throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'routes', `valid path-to-regexp templates (${(error as Error).message})`, describeValue(path));
    }
  });
  return (req) => {
    const path = pathOf(req.url);
    return find(compiled, req.method, path) ?? (req.method === 'HEAD' ? find(compiled, 'GET', path) : undefined);
  };
}

function find(compiled: CompiledRoute[], method: string | undefined, path: string): CompiledRoute | undefined {
  for (const route of compiled) {
    if ((route.method === undefined || route.method === method) && route.pattern.test(path)) return route;
  }
  return undefined;
}
