/**
 * Express keeps no link from an app to the sub-apps mounted on it: `app.use(path, subApp)`
 * adds a layer whose handle is a `mounted_app` closure over the sub-app. The sub-app is found
 * by calling that closure once with a stand-in request that stops Express as soon as the
 * sub-app has set its own request prototype (whose `app` is the sub-app): Express 5 does it
 * in `app.handle`, Express 4 in its `expressInit` middleware; then reading `req.url` throws,
 * which both routers treat as "no path" and leave before any application middleware runs.
 */
export interface ExpressAppLike {
  handle: unknown;
  set: unknown;
  parent?: unknown;
  mountpath?: unknown;
}

const found = new WeakMap<object, ExpressAppLike | null>();
const STOP = Symbol('footfall.stop');

export function isExpressApp(value: unknown): value is ExpressAppLike {
  if (typeof value !== 'function') return false;
  const app = value as unknown as Partial<ExpressAppLike>;
  return typeof app.handle === 'function' && typeof app.set === 'function';
}

/** The sub-app behind a `mounted_app` layer handle, or undefined for any other handle. */
export function mountedApp(handle: unknown): ExpressAppLike | undefined {
  if (typeof handle !== 'function' || handle.name !== 'mounted_app' || handle.length !== 3) return undefined;
  let app = found.get(handle);
  if (app === undefined) {
    app = Function.prototype.toString.call(handle).includes('.handle(req, res') ? probe(handle as Probed) : null;
    found.set(handle, app);
  }
  return app ?? undefined;
}

type Probed = (req: object, res: object, next: (error?: unknown) => void) => void;

function probe(handle: Probed): ExpressAppLike | null {
  let app: ExpressAppLike | null = null;
  const home = { request: Object.prototype, response: Object.prototype };
  const target = { url: '/', method: 'GET', headers: {}, query: {}, app: home };
  const req = new Proxy(target, {
    setPrototypeOf(t, proto) {
      const candidate = (proto as { app?: unknown } | null)?.app;
      if (app === null && isExpressApp(candidate)) app = candidate;
      return Reflect.setPrototypeOf(t, proto);
    },
    get(t, key, receiver) {
      if (key === 'url' && app !== null) throw STOP;
      return Reflect.get(t, key, receiver) as unknown;
    },
  });
  const res = { setHeader() {}, getHeader() {}, locals: {} };
  try {
    handle(req, res, () => undefined);
  } catch {
    // STOP, or anything Express did with the stand-in: the sub-app is known or not.
  }
  return app;
}
