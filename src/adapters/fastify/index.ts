import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Tracker } from '../../delivery/tracker.js';
import { countHeadAsGetIf } from '../shared/head.js';
import { createResponseWatch, observe } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder } from '../shared/recorder.js';
import type { DeclaredRoute } from '../shared/routes.js';
import { FASTIFY_OWN_KEYS, resolveFastifyOptions, type FastifyAdapterOptions } from './options.js';
import { createRouteBook, type RouteBook } from './routes.js';

export type { FastifyAdapterOptions } from './options.js';

const routesSeen = new WeakMap<object, RouteBook>();

type Done = (error?: Error) => void;

/**
 * The Fastify 5 plugin: `app.register(trackRequests, { tracker })`, before your routes. It
 * is not encapsulated (it sees every route) and reads the template from `routeOptions.url`.
 * `await app.close()` delivers every hit: the tracker is flushed (or closed) in `onClose`.
 */
export function trackRequests(fastify: FastifyInstance, options: FastifyAdapterOptions, done: Done): void {
  let recorder: ReturnType<typeof createRecorder<FastifyRequest>>;
  let closeTracker: boolean;
  try {
    ({ closeTracker } = resolveFastifyOptions(options));
    // Fastify's own register() options reach the plugin too.
    recorder = createRecorder(options.tracker, options, { name: 'trackRequests (footfall/fastify)', ownKeys: FASTIFY_OWN_KEYS });
  } catch (error) {
    // A bad option fails app.ready(), where it was written, never a request.
    done(error as Error);
    return;
  }
  // In initialConfig at run time (default true), though not in its type.
  const routes = createRouteBook((fastify.initialConfig as { exposeHeadRoutes?: boolean }).exposeHeadRoutes !== false);
  routesSeen.set(fastify, routes);
  const ownHead = (url: string | undefined) => url === undefined || !routes.headIsGenerated(url);
  // One hook a request, and two listeners shared by every response on the raw one: Fastify's
  // onResponse and onRequestAbort hooks would each add per-request closures and listeners of
  // Fastify's own. At 'finish' (as onResponse was), so that a request in flight when app.close()
  // is called is tracked before the onClose hook below flushes; at 'close' when abandoned.
  const watch = createResponseWatch<FastifyRequest>((request, started, status) => {
    const url = request.routeOptions.url;
    const observed = observe(request.raw, started, url ?? null, status);
    // A HEAD served by the route Fastify added for a GET is that GET, as on every other adapter.
    recorder.record(request, countHeadAsGetIf(observed, ownHead, url));
  }, true);
  fastify.addHook('onRoute', (route: RouteOptions) => routes.add(route));
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next: Done) => {
    try {
      if (claimRequest(request.raw) && recorder.wants(request, request.method)) watch(reply.raw, request, performance.now());
    } catch {
      // Never into the app.
    }
    next();
  });
  const tracker = recorder.tracker;
  // Runs after the server closed (Fastify's own onClose comes first), so the last hits are in.
  if (tracker !== undefined) fastify.addHook('onClose', () => settle(tracker, closeTracker));
  done();
}

/** Flushes or closes the tracker; never rejects into `app.close()`. */
async function settle(tracker: Tracker, close: boolean): Promise<void> {
  try {
    await (close ? tracker.close() : tracker.flush());
  } catch {
    // Never into the app: what was not delivered is in tracker.stats().
  }
}

// A plugin Fastify runs in the root context, named in its errors, without importing fastify-plugin.
Object.assign(trackRequests, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'footfall',
  [Symbol.for('plugin-meta')]: { name: 'footfall', fastify: '5.x' },
});

/**
 * The routes declared after the plugin was registered, written as hits record them: HEAD
 * routes Fastify added on its own for GET left out, no trailing slash.
 */
export function listRoutes(fastify: FastifyInstance): DeclaredRoute[] {
  return routesSeen.get(fastify)?.list() ?? [];
}
