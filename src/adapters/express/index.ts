import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracker } from '../../delivery/tracker.js';
import type { AdapterOptions } from '../shared/options.js';
import { observe, pathOf, watchResponse } from '../shared/node-http.js';
import { createRecorder } from '../shared/recorder.js';
import { joinPaths, tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

/** The parts of Express's request Footfall reads (Express 4 and 5). */
export interface ExpressRequest extends IncomingMessage {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path: unknown } | undefined;
  app?: unknown;
}

/**
 * Express 4 and 5 middleware: `app.use(trackRequests(tracker))`, first. The page is
 * `req.baseUrl + req.route.path` as matched (nested routers included); no route: `(unmatched)`.
 */
export function trackRequests(tracker?: Tracker, options: AdapterOptions<ExpressRequest> = {}) {
  const recorder = createRecorder(tracker, options);
  const trustProxy = options.trustProxy === true;
  return function footfallMiddleware(req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    try {
      if (recorder.wants(req, pathOf(req.originalUrl ?? req.url), req.method ?? 'GET')) {
        const started = performance.now();
        watchResponse(res, (status) => recorder.record(req, observe(req, started, routeOf(req), status, trustProxy, req.originalUrl ?? req.url)));
      }
    } catch {
      // Never into the app.
    }
    next();
  };
}

function routeOf(req: ExpressRequest): string | null {
  const route = req.route;
  if (route === undefined || route.path === undefined || route.path === null) return null;
  const path = Array.isArray(route.path) ? String(route.path[0]) : String(route.path);
  return joinPaths(mountTemplate(req.app, route, req.baseUrl ?? ''), path);
}

/**
 * `req.baseUrl` is the mount path as matched (`/tenants/acme`), ids included. The template
 * (`/tenants/:tenant`) is found by walking the app's routers once per app and remembering
 * where each route object is mounted; a route mounted twice is told apart by its baseUrl.
 */
const mounts = new WeakMap<object, Map<object, string[]>>();

function mountTemplate(app: unknown, route: object, baseUrl: string): string {
  if (baseUrl === '' || (typeof app !== 'object' && typeof app !== 'function') || app === null) return baseUrl;
  let known = mounts.get(app);
  if (known === undefined || !known.has(route)) {
    known = new Map();
    collectMounts(rootStack(app as RootLike), '', known, 0);
    if (!known.has(route)) known.set(route, []);
    mounts.set(app, known);
  }
  const candidates = known.get(route) ?? [];
  for (const prefix of candidates) {
    const found = templatePattern(prefix).exec(baseUrl);
    if (found !== null) return `${found[1] ?? ''}${prefix}`;
  }
  return candidates.length === 0 ? baseUrl : (candidates[0] ?? baseUrl);
}

function collectMounts(stack: Layer[], prefix: string, out: Map<object, string[]>, depth: number): void {
  if (depth > 20) return;
  for (const layer of stack) {
    if (layer.route !== undefined) out.set(layer.route, [...(out.get(layer.route) ?? []), prefix]);
    else if (layer.handle?.stack !== undefined) collectMounts(layer.handle.stack, prefix + mountPath(layer).replace(/\/$/, ''), out, depth + 1);
  }
}

/** `/tenants/:tenant` matches the end of `/api/tenants/acme`; group 1 is what came before. */
function templatePattern(template: string): RegExp {
  const body = template
    .split(/(:[A-Za-z0-9_]+)/)
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^(.*?)${body}$`, 'i');
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> } & object;
  name?: string;
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: { name: string }[];
}

/** The routes declared on an Express 4 or 5 app, nested routers included. */
export function listRoutes(app: unknown): DeclaredRoute[] {
  const stack = rootStack(app as RootLike);
  const out: DeclaredRoute[] = [];
  walk(stack, '', out, 0);
  return tidyRoutes(out);
}

type RootLike = { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } };

/** Express 4 keeps the router in `_router` (its `router` getter throws); Express 5 in `router`. */
function rootStack(app: RootLike): Layer[] {
  if (app._router?.stack !== undefined) return app._router.stack;
  try {
    return app.router?.stack ?? [];
  } catch {
    return [];
  }
}

function walk(stack: Layer[], prefix: string, out: DeclaredRoute[], depth: number): void {
  if (depth > 20) return;
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
        for (const path of paths) out.push({ method, path: joinPaths(prefix, String(path)) });
      }
    } else if (layer.handle?.stack !== undefined) {
      walk(layer.handle.stack, joinPaths(prefix, mountPath(layer)), out, depth + 1);
    }
  }
}

/** A router layer's mount path: Express 5 keeps it; Express 4 only has its regexp. */
function mountPath(layer: Layer): string {
  if (typeof layer.rawPath === 'string') return layer.rawPath;
  const regexp = layer.regexp;
  if (regexp === undefined || regexp.fast_slash === true) return '';
  let index = 0;
  const name = () => `:${layer.keys?.[index++]?.name ?? 'param'}`;
  return regexp.source
    .replace('\\/?(?=\\/|$)', '')
    .replace(/^\^/, '')
    .replace(/\\\//g, '/')
    .replace(/\(\?:\/\(\[\^\/\]\+\?\)\)/g, () => `/${name()}`)
    .replace(/\(\?:\(\[\^\/\]\+\?\)\)/g, name)
    .replace(/\\\./g, '.');
}
