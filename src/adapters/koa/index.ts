import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracker } from '../../delivery/tracker.js';
import { countHeadAsGetIf } from '../shared/head.js';
import type { AdapterOptions } from '../shared/options.js';
import { createResponseWatch, observe } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder } from '../shared/recorder.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

/** The parts of Koa's context Footfall reads. */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  originalUrl: string;
  /** Set by @koa/router to the matched layer's path, prefix included. */
  _matchedRoute?: string | RegExp | undefined;
  /** Set by @koa/router: every layer whose path matched, whatever its methods. */
  matched?: { path: unknown; methods: string[] }[] | undefined;
}

/** Koa 3 middleware: `app.use(trackRequests(tracker))`, first. Templates come from @koa/router. */
export function trackRequests(tracker?: Tracker, options: AdapterOptions<KoaContext> = {}) {
  const recorder = createRecorder(tracker, options, { name: 'trackRequests (footfall/koa)' });
  const watch = createResponseWatch<KoaContext>((ctx, started, status) => {
    const route = ctx._matchedRoute === undefined ? null : String(ctx._matchedRoute);
    recorder.record(ctx, countHeadAsGetIf(observe(ctx.req, started, route, status, ctx.originalUrl), ownHead, ctx));
  });
  return function footfallMiddleware(ctx: KoaContext, next: () => Promise<unknown>): Promise<unknown> {
    try {
      if (claimRequest(ctx.req) && recorder.wants(ctx, ctx.method)) watch(ctx.res, ctx, performance.now());
    } catch {
      // Never into the app.
    }
    return next();
  };
}

/** @koa/router adds HEAD to every GET route; a route declared with `router.head()` has HEAD alone. */
function ownHead(ctx: KoaContext): boolean {
  return ctx.matched?.some((layer) => layer.path === ctx._matchedRoute && layer.methods.includes('HEAD') && !layer.methods.includes('GET')) === true;
}

interface RouterLike {
  stack: { path: string | RegExp; methods: string[] }[];
}

/** The routes of one or more @koa/router routers (HEAD added for GET left out). */
export function listRoutes(routers: RouterLike | readonly RouterLike[]): DeclaredRoute[] {
  const out: DeclaredRoute[] = [];
  for (const router of [routers].flat() as RouterLike[]) {
    for (const layer of router.stack) {
      const methods = layer.methods.includes('GET') ? layer.methods.filter((m) => m !== 'HEAD') : layer.methods;
      for (const method of methods) out.push({ method, path: String(layer.path) });
    }
  }
  return tidyRoutes(out);
}
