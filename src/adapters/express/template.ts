import { isExpressApp } from './mounts.js';
import { walkRoutes } from './stack.js';

/**
 * `req.baseUrl` is the mount path as matched (`/tenants/acme/app`), ids included. The template
 * (`/tenants/:tenant/app`) is found by walking the outermost app's routers and sub-apps once
 * per app and remembering where each route object is mounted; a route mounted twice is told
 * apart by its baseUrl. The outermost app is looked for from `home` (the app the owning
 * middleware runs in), then from `app` (`req.app`: the sub-app that handled the request).
 */
const mounts = new WeakMap<object, Map<object, string[]>>();

export function mountTemplate(home: unknown, app: unknown, route: object, baseUrl: string): string {
  if (baseUrl === '') return baseUrl;
  const top = outermost(home);
  let candidates = top === undefined ? [] : prefixesOf(top, route);
  const other = outermost(app);
  if (candidates.length === 0 && other !== undefined && other !== top) candidates = prefixesOf(other, route);
  for (const prefix of candidates) {
    const found = templatePattern(prefix).exec(baseUrl);
    if (found !== null) return `${found[1] ?? ''}${prefix}`;
  }
  return candidates.length === 0 ? baseUrl : (candidates[0] ?? baseUrl);
}

/** Where `route` is mounted under `top`, as templates; walked again when a route is new. */
function prefixesOf(top: object, route: object): string[] {
  let known = mounts.get(top);
  if (known === undefined || !known.has(route)) {
    const fresh = new Map<object, string[]>();
    walkRoutes(top, (r, prefix) => fresh.set(r, [...(fresh.get(r) ?? []), prefix]));
    if (!fresh.has(route)) fresh.set(route, []);
    mounts.set(top, fresh);
    known = fresh;
  }
  return known.get(route) ?? [];
}

/** A sub-app's `parent` chain (set by `app.use(path, subApp)`) leads to the server's app. */
function outermost(app: unknown): object | undefined {
  if (!isExpressApp(app)) return undefined;
  let top = app;
  for (let depth = 0; depth < 20 && isExpressApp(top.parent); depth++) top = top.parent;
  return top;
}

/** `/tenants/:tenant` matches the end of `/api/tenants/acme`; group 1 is what came before. */
function templatePattern(template: string): RegExp {
  const body = template
    .split(/(:[A-Za-z0-9_]+)/)
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^(.*?)${body}$`, 'i');
}
