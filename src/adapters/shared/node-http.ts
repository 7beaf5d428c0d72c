import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHeaders } from '../../core/request-info.js';
import { warnOnce } from '../../warnings.js';
import { CLIENT_CLOSED_STATUS, type Observed } from './recorder.js';

/**
 * Calls `done` once per watched response, when it is over: finished, or abandoned by the client
 * (then with status 499). One listener function per adapter, shared by every response (no
 * closure, no `once` wrapper per request); what a request needs at the end is kept in a
 * WeakMap by its response — never as a property on it, which would slow the framework's own
 * code (see owner.ts). Whatever `done` throws stays here, as a warning. Returns the function
 * that starts watching a response.
 *
 * `atFinish`: a finished response is recorded at its 'finish' (a second listener), not at its
 * 'close', which Node emits a tick later — after a server that closes its connections as they
 * finish (Fastify's `app.close()`) may already have called its shutdown hooks.
 */
export function createResponseWatch<S>(done: (subject: S, startedMs: number, status: number) => void, atFinish = false): (res: ServerResponse, subject: S, startedMs: number) => void {
  const watched = new WeakMap<ServerResponse, { readonly subject: S; readonly startedMs: number }>();
  function end(res: ServerResponse, status: number): void {
    const watch = watched.get(res);
    if (watch === undefined) return;
    watched.delete(res);
    try {
      done(watch.subject, watch.startedMs, status);
    } catch {
      warnOnce('FFWRN005');
    }
  }
  function onClose(this: ServerResponse): void {
    end(this, this.writableFinished ? this.statusCode : CLIENT_CLOSED_STATUS);
  }
  function onFinish(this: ServerResponse): void {
    end(this, this.statusCode);
  }
  return (res, subject, startedMs) => {
    watched.set(res, { subject, startedMs });
    if (atFinish) res.on('finish', onFinish);
    res.on('close', onClose);
  };
}

/**
 * The core's RequestInfo for a finished node:http request, a fresh object (it becomes the
 * queued hit). Proxy headers are passed on as they came; whether to believe them is the
 * core's decision (`trustProxy`, the tracker's or the adapter's), made in one place.
 */
export function observe(req: IncomingMessage, startedMs: number, route: string | null | undefined, status: number, url = req.url): Observed {
  return {
    method: req.method ?? 'GET',
    url: url ?? '/',
    route,
    status,
    durationMs: performance.now() - startedMs,
    protocol: (req.socket as { encrypted?: boolean } | null)?.encrypted === true ? 'https' : 'http',
    clientIp: req.socket?.remoteAddress,
    headers: nodeHeaders(req.headers),
  };
}

/** The request headers the core reads, from node:http's own parsed headers. */
export function nodeHeaders(h: IncomingHttpHeaders): RequestHeaders {
  return {
    host: h.host,
    userAgent: h['user-agent'],
    referrer: typeof h.referer === 'string' ? h.referer : undefined,
    forwardedHost: one(h['x-forwarded-host']),
    forwardedProto: one(h['x-forwarded-proto']),
    forwardedFor: one(h['x-forwarded-for']),
  };
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The path part of a request URL, without the query (for skip rules and node route matching). */
export function pathOf(url: string | undefined): string {
  const text = url ?? '/';
  const mark = text.indexOf('?');
  return mark === -1 ? text : text.slice(0, mark);
}
