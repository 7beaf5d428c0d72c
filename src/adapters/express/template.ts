import { isExpressApp } from './mounts.js';
import { walkRoutes } from './stack.js';

/**
 * `req.baseUrl` is the mount path as matched (`/tenants/acme/app`), ids included. The template
 * (`/tenants/:tenant/app`) is found by walking the outermost app's routers and sub-apps once
 * per app and remembering where each route object is mounted; a route mounted twice is told
 * apart by its baseUrl.
 */
const mounts = new WeakMap<object, Map<object, string[]>>();

export function mountTemplate(app: unknown, route: object, baseUrl: string): string {
  const top = outermost(app);
  if (baseUrl === '' || top === undefined) return baseUrl;
  let known = mounts.get(top);
  if (known === undefined || !known.has(route)) {
    const fresh = new Map<object, string[]>();
    walkRoutes(top, (r, prefix) => fresh.set(r, [...(fresh.get(r) ?? []), prefix]));
    if (!fresh.has(route)) fresh.set(route, []);
    mounts.set(top, fresh);
    known = fresh;
  }
  const candidates = known.get(route) ?? [];
  for (const prefix of candidates) {
    const found = templatePattern(prefix).exec(baseUrl);
    if (found !== null) return `${found[1] ?? ''}${prefix}`;
  }
  return candidates.length === 0 ? baseUrl : (candidates[0] ?? baseUrl);
}

/** `req.app` is the sub-app handling the request; its `parent` chain leads to the server's app. */
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
