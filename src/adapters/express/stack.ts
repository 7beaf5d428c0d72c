import { joinPaths } from '../shared/routes.js';
import { isExpressApp, mountedApp } from './mounts.js';

/** An Express 4 or 5 router layer, as far as Footfall reads it. */
export interface Layer {
  route?: RouteLike;
  name?: string;
  handle?: unknown;
  rawPath?: unknown;
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: { name: string }[];
}

export type RouteLike = { path: unknown; methods: Record<string, boolean> } & object;

type RootLike = { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } };

const MAX_DEPTH = 20;

/**
 * Calls `visit` with every route under `app` and the template of the path it is mounted at:
 * routers, sub-apps mounted with `app.use(path, subApp)` (found through their `mounted_app`
 * layer) and apps used as plain middleware, nested to any depth.
 */
export function walkRoutes(app: unknown, visit: (route: RouteLike, prefix: string) => void): void {
  walk(rootStack(app), '', visit, 0);
}

function walk(stack: Layer[], prefix: string, visit: (route: RouteLike, prefix: string) => void, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const layer of stack) {
    try {
      visitLayer(layer, prefix, visit, depth);
    } catch {
      // A layer that cannot be read (another library's, a future Express's) is passed over.
    }
  }
}

function visitLayer(layer: Layer, prefix: string, visit: (route: RouteLike, prefix: string) => void, depth: number): void {
  if (layer.route !== undefined) return visit(layer.route, prefix);
  const inner = innerStack(layer.handle);
  if (inner !== undefined) walk(inner, joinPaths(prefix, mountPath(layer)).replace(/^\/$/, ''), visit, depth + 1);
}

/** The layers behind a layer's handle: a router's, an app's, or a mounted sub-app's. */
function innerStack(handle: unknown): Layer[] | undefined {
  if (typeof handle !== 'function') return undefined;
  const stack = (handle as { stack?: unknown }).stack;
  if (Array.isArray(stack)) return stack as Layer[];
  if (isExpressApp(handle)) return rootStack(handle);
  const app = mountedApp(handle);
  return app === undefined ? undefined : rootStack(app);
}

/** Express 4 keeps the router in `_router` (its `router` getter throws); Express 5 in `router`. */
export function rootStack(app: unknown): Layer[] {
  if ((typeof app !== 'object' && typeof app !== 'function') || app === null) return [];
  const root = app as RootLike;
  if (root._router?.stack !== undefined) return root._router.stack;
  try {
    return root.router?.stack ?? [];
  } catch {
    return [];
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
