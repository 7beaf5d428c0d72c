/**
 * One request is one hit, however many Footfall adapters it passes through (sub-apps each
 * instrumented, then composed into one server; two middlewares by mistake). The first adapter
 * to see a request marks it with this symbol and owns it; the others let it pass. The mark
 * goes on the object every layer shares: Node's IncomingMessage, else the fetch Request.
 * `Symbol.for`, so two copies of Footfall in one process honour each other's mark too.
 */
export const OWNER = Symbol.for('footfall.owner');

/** True for the first adapter to claim `request`, false for every later one. */
export function claimRequest(request: object | undefined): boolean {
  if (request === undefined || request === null) return true;
  const marked = request as Record<symbol, unknown>;
  if (marked[OWNER] === true) return false;
  marked[OWNER] = true;
  return true;
}
