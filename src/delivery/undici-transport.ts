import type { Agent, Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import { createInFlight, type Expirable, type InFlight } from './in-flight.js';
import type { OutgoingRequest, SendResult, Transport } from './transport.js';
import { classifyStatus } from './transport.js';

/**
 * Sends over undici with keep-alive connections, at most `connections` per origin. Idle
 * sockets are unref'd by undici, so they never hold the process open.
 *
 * A send is the cheapest the stack allows, since it runs on the app's server: undici's
 * low-level `dispatch` with a handler that keeps no stream (the answer's bytes are dropped
 * unless `readBody`), each URL parsed once, the body handed over as a Buffer, and the
 * deadlines and the close signal kept in one book (`InFlight`) instead of a timer, an
 * AbortController and a listener per attempt.
 *
 * undici is loaded when the transport is created (with the tracker), not when Footfall is
 * imported: importing `footfall` or an adapter needs no web globals and no undici (old Jest
 * environments lack both), and no send ever loads a module, so a timer that fires after a test
 * runner dropped its module registry finds everything it needs already there.
 */
export function createUndiciTransport({ connections, clock }: { connections: number; clock: Clock }): Transport {
  let agent: Agent | undefined;
  const loading = import('undici').then(({ Agent }) => {
    agent = new Agent({ connections, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, pipelining: 1 });
    return agent;
  });
  loading.catch(() => undefined); // reported by each send instead
  const wire: Wire = { clock, inFlight: createInFlight<Attempt>(clock), targets: new Map(), headers: new Map() };
  return {
    send(outgoing, { timeoutMs, signal, readBody }) {
      if (signal.aborted) return Promise.resolve(failureOf(signal.reason, false, true));
      if (agent !== undefined) return dispatch(wire, agent, outgoing, clock.now() + timeoutMs, signal, readBody);
      // Only the sends made before undici finished loading wait for it; their deadline counts from now.
      const deadlineMs = clock.now() + timeoutMs;
      return loading.then(
        (loaded) => (signal.aborted ? failureOf(signal.reason, false, true) : dispatch(wire, loaded, outgoing, deadlineMs, signal, readBody)),
        (error: unknown): SendResult => ({ kind: 'failure', reason: 'network', error: `undici could not be loaded: ${error instanceof Error ? error.message : String(error)}` }),
      );
    },
    async close(force) {
      const loaded = await loading.catch(() => undefined);
      if (loaded === undefined) return;
      await (force ? loaded.destroy() : loaded.close()).catch(() => undefined);
    },
  };
}

/** What every attempt of one transport shares. */
interface Wire {
  readonly clock: Clock;
  readonly inFlight: InFlight<Attempt>;
  /** Origin and path per URL string: a destination sends to one or two URLs, parsed once. */
  readonly targets: Map<string, Target>;
  /** The request's header list per content type, built once. */
  readonly headers: Map<string, string[]>;
}

interface Target {
  readonly origin: string;
  readonly path: string;
}

/** URLs remembered at most; a transport used with ever-new URLs re-parses instead of growing. */
const MAX_TARGETS = 64;

function dispatch(wire: Wire, agent: Agent, outgoing: OutgoingRequest, deadlineMs: number, signal: AbortSignal, readBody: boolean): Promise<SendResult> {
  return new Promise((resolve) => {
    const attempt = new Attempt(wire, signal, deadlineMs, readBody, resolve);
    wire.inFlight.add(attempt);
    try {
      const target = targetOf(wire.targets, outgoing.url);
      // A Buffer, not the string: undici would copy a string into one anyway, and from a Buffer
      // it writes content-length itself (a content-length header would only be checked against it).
      const body = Buffer.from(outgoing.body);
      // dispatch reports its own errors (a closed agent, a bad option) through onError.
      agent.dispatch({ origin: target.origin, path: target.path, method: 'POST', headers: headersFor(wire.headers, outgoing.contentType), body }, attempt);
    } catch (error) {
      attempt.onError(error as Error); // an unreadable URL: a network failure, as undici.request made it
    }
  });
}

function targetOf(targets: Map<string, Target>, url: string): Target {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

function headersFor(cache: Map<string, string[]>, contentType: string): string[] {
  let headers = cache.get(contentType);
  if (headers === undefined) {
    headers = ['content-type', contentType, 'user-agent', 'footfall'];
    if (cache.size >= MAX_TARGETS) cache.clear();
    cache.set(contentType, headers);
  }
  return headers;
}

/**
 * One attempt, and undici's handler for it. It uses the handler methods undici's clients call
 * themselves (onConnect, onHeaders, onData, onComplete, onError): a handler with the newer
 * onRequestStart/onResponse* methods is wrapped in an adapter per request that also parses
 * every header of every answer into an object; this one reads Retry-After alone, and only
 * from an answer that is not a success.
 */
class Attempt implements Expirable, Dispatcher.DispatchHandler {
  private abortWire: ((error?: Error) => void) | undefined;
  private settled = false;
  private timedOut = false;
  private status = 0;
  private retryAfter: string | undefined;
  private readonly chunks: Buffer[] | undefined;

  constructor(
    private readonly wire: Wire,
    readonly signal: AbortSignal,
    readonly deadlineMs: number,
    readBody: boolean,
    private readonly resolve: (result: SendResult) => void,
  ) {
    this.chunks = readBody ? [] : undefined;
  }

  expire(why: 'timeout' | 'aborted'): void {
    if (this.settled) return;
    // The same reasons the AbortController carried before, so the error texts stay the same.
    const reason = why === 'timeout' ? new Error('timeout') : (this.signal.reason as Error);
    if (why === 'timeout') this.timedOut = true;
    // On the wire: undici ends the request and calls onError at once. Still queued for a
    // socket: settle now, and onConnect cuts it when a socket comes.
    this.abortWire?.(reason);
    this.onError(reason);
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.settled) abort(this.timedOut ? new Error('timeout') : (this.signal.reason as Error));
    else this.abortWire = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // informational: the answer is still to come
    this.status = statusCode;
    // classifyStatus reads Retry-After only for an answer that is not a success.
    if (statusCode >= 300) this.retryAfter = headerValue(rawHeaders, 'retry-after');
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks?.push(chunk);
    return true;
  }

  onComplete(): void {
    const result = classifyStatus(this.status, this.retryAfter, this.wire.clock.now());
    const chunks = this.chunks;
    this.finish(result.kind === 'success' && chunks !== undefined ? { ...result, body: Buffer.concat(chunks).toString('utf8') } : result);
  }

  onError(error: Error): void {
    this.finish(failureOf(error, this.timedOut, this.signal.aborted));
  }

  private finish(result: SendResult): void {
    if (this.settled) return;
    this.settled = true;
    this.wire.inFlight.delete(this);
    this.resolve(result);
  }
}

/** The first value of header `name` (lower case) in undici's raw name/value list. */
function headerValue(raw: readonly (Buffer | string)[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as Buffer | string;
    if (key.length === name.length && key.toString().toLowerCase() === name) return (raw[i + 1] as Buffer | string).toString();
  }
  return undefined;
}

function failureOf(error: unknown, timedOut: boolean, aborted: boolean): SendResult {
  const message = error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? error.message}` : String(error);
  if (aborted) return { kind: 'failure', reason: 'aborted', error: message };
  if (timedOut) return { kind: 'retryable', reason: 'timeout', error: message };
  return { kind: 'retryable', reason: 'network', error: message };
}
