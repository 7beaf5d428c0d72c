/**
 * One request is one hit, however many Footfall adapters it passes through (sub-apps each
 * instrumented, then composed into one server; two middlewares by mistake). The first adapter
 * to see a request claims it and owns it; the others let it pass. Claims are kept on the object
 * every layer shares (Node's IncomingMessage, else the fetch Request) in a WeakSet, not as a
 * property: a property added to Express's request (whose prototype Express has swapped) costs
 * the rest of Express ~20 µs a request. The set is found through `Symbol.for` on the global, so
 * two copies of Footfall in one process honour each other's claims too.
 */
export const OWNER = Symbol.for('footfall.owner');

const registry = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
const claimed: WeakSet<object> = (registry[OWNER] ??= new WeakSet<object>());

/** True for the first adapter to claim `request`, false for every later one. */
export function claimRequest(request: object | undefined): boolean {
  if (request === undefined || request === null) return true;
  if (claimed.has(request)) return false;
  claimed.add(request);
  return true;
}
