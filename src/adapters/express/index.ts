import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracker } from '../../delivery/tracker.js';
import { countHeadAsGet } from '../shared/head.js';
import type { AdapterOptions } from '../shared/options.js';
import { createResponseWatch, observe } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder } from '../shared/recorder.js';
import { joinPaths, tidyRoutes, type DeclaredRoute } from '../shared/routes.js';
import { walkRoutes } from './stack.js';
import { mountTemplate } from './template.js';

/** The parts of Express's request Footfall reads (Express 4 and 5). */
export interface ExpressRequest extends IncomingMessage {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path: unknown; methods?: Record<string, boolean> } | undefined;
  app?: unknown;
}

/**
 * Express 4 and 5 middleware: `app.use(trackRequests(tracker))`, first. The page is
 * `req.baseUrl + req.route.path` as matched, mount paths as templates (nested routers and
 * sub-apps included); no route: `(unmatched)`. In a server composed of instrumented sub-apps,
 * the first of these middlewares a request meets records it, once.
 */
export function trackRequests(tracker?: Tracker, options: AdapterOptions<ExpressRequest> = {}) {
  const recorder = createRecorder(tracker, options, { name: 'trackRequests (footfall/express)' });
  // The subject is the request and the app whose middleware owns it (req.app changes as it enters sub-apps).
  const watch = createResponseWatch<{ readonly req: ExpressRequest; readonly home: unknown }>(({ req, home }, started, status) => {
    const observed = observe(req, started, routeOf(req, home), status, req.originalUrl ?? req.url);
    recorder.record(req, countHeadAsGet(observed, req.route?.methods?.head === true));
  });
  return function footfallMiddleware(req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    try {
      if (claimRequest(req) && recorder.wants(req, req.method ?? 'GET')) watch(res, { req, home: req.app }, performance.now());
    } catch {
      // Never into the app.
    }
    next();
  };
}

/** Templates found, per route object and mount path as matched: joining and matching mount patterns is not redone per request. */
const templates = new WeakMap<object, Map<string, string>>();
/** Mount paths hold ids (`/tenants/acme`): at most this many remembered per route. */
const MAX_MOUNTS_PER_ROUTE = 256;

function routeOf(req: ExpressRequest, home: unknown): string | null {
  const route = req.route;
  if (route === undefined || route.path === undefined || route.path === null) return null;
  const baseUrl = req.baseUrl ?? '';
  let known = templates.get(route);
  const found = known?.get(baseUrl);
  if (found !== undefined) return found;
  const path = Array.isArray(route.path) ? String(route.path[0]) : String(route.path);
  const template = joinPaths(mountTemplate(home, req.app, route, baseUrl), path);
  if (known === undefined || known.size >= MAX_MOUNTS_PER_ROUTE) templates.set(route, (known = new Map()));
  known.set(baseUrl, template);
  return template;
}

/** The routes declared on an Express 4 or 5 app: nested routers and mounted sub-apps included. */
export function listRoutes(app: unknown): DeclaredRoute[] {
  const out: DeclaredRoute[] = [];
  walkRoutes(app, (route, prefix) => {
    const paths = Array.isArray(route.path) ? (route.path as unknown[]) : [route.path];
    for (const method of Object.keys(route.methods).filter((m) => m !== '_all')) {
      for (const path of paths) out.push({ method, path: joinPaths(prefix, String(path)) });
    }
  });
  return tidyRoutes(out);
}
