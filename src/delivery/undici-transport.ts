import type { Agent, request as undiciRequest } from 'undici';
import type { Clock } from './clock.js';
import type { SendResult, Transport } from './transport.js';
import { classifyStatus } from './transport.js';

interface Undici {
  readonly agent: Agent;
  readonly request: typeof undiciRequest;
}

/**
 * Sends over undici with keep-alive connections, at most `connections` per origin. Each
 * attempt has its own deadline on the injected clock. Idle sockets are unref'd by undici, so
 * they never hold the process open.
 *
 * undici is loaded when the transport is created (with the tracker), not when Footfall is
 * imported: importing `footfall` or an adapter needs no web globals and no undici (old Jest
 * environments lack both), and no send ever loads a module, so a timer that fires after a test
 * runner dropped its module registry finds everything it needs already there.
 */
export function createUndiciTransport({ connections, clock }: { connections: number; clock: Clock }): Transport {
  const loading = import('undici').then(({ Agent, request }): Undici => ({
    agent: new Agent({ connections, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, pipelining: 1 }),
    request,
  }));
  loading.catch(() => undefined); // reported by each send instead
  return {
    async send(outgoing, { timeoutMs, signal, readBody }) {
      let undici: Undici;
      try {
        undici = await loading;
      } catch (error) {
        return { kind: 'failure', reason: 'network', error: `undici could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
      }
      const attempt = new AbortController();
      const onAbort = () => attempt.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer = clock.setTimeout(() => {
        timedOut = true;
        attempt.abort(new Error('timeout'));
      }, timeoutMs);
      try {
        const response = await undici.request(outgoing.url, {
          method: 'POST',
          dispatcher: undici.agent,
          headers: { 'content-type': outgoing.contentType, 'user-agent': 'footfall' },
          body: outgoing.body,
          signal: attempt.signal,
        });
        const text = readBody ? await response.body.text() : (await response.body.dump(), undefined);
        const retryAfter = response.headers['retry-after'];
        const result = classifyStatus(response.statusCode, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, clock.now());
        return result.kind === 'success' && text !== undefined ? { ...result, body: text } : result;
      } catch (error) {
        return failureOf(error, timedOut, signal.aborted);
      } finally {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    },
    async close(force) {
      const undici = await loading.catch(() => undefined);
      if (undici === undefined) return;
      await (force ? undici.agent.destroy() : undici.agent.close()).catch(() => undefined);
    },
  };
}

function failureOf(error: unknown, timedOut: boolean, aborted: boolean): SendResult {
  const message = error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? error.message}` : String(error);
  if (aborted) return { kind: 'failure', reason: 'aborted', error: message };
  if (timedOut) return { kind: 'retryable', reason: 'timeout', error: message };
  return { kind: 'retryable', reason: 'network', error: message };
}
