import type { Hit } from '../core/hit.js';
import { classifyStatus, type OutgoingRequest, type SendResult, type Transport } from '../delivery/transport.js';

/** One request the tracker handed to the in-memory transport, exactly as it would have sent it. */
export interface RecordedRequest {
  /** The destination URL. Holds the API secret in its query, as the real one does: never log it. */
  readonly url: string;
  readonly contentType: string;
  /** The exact body: GA4 JSON, or UA v1 lines. */
  readonly body: string;
  /** The hits encoded into `body`. */
  readonly hits: readonly Hit[];
}

/** What the in-memory destination answers: an HTTP status (204 = GA4's success, 500 = a failure). */
export type Respond = (request: RecordedRequest) => number;

export interface MemoryTransport extends Transport {
  readonly requests: RecordedRequest[];
}

/**
 * A Transport that records each request and answers at once, without a socket. The tracker
 * hands its transport the encoded request, which carries the hits it encodes (see
 * delivery/wire-format.ts `EncodedRequest`); they are kept with the body.
 */
export function createMemoryTransport(respond: Respond, onRecord: () => void = () => undefined): MemoryTransport {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    send(request: OutgoingRequest & { readonly hits?: readonly Hit[] }): Promise<SendResult> {
      const recorded: RecordedRequest = { url: request.url, contentType: request.contentType, body: request.body, hits: request.hits ?? [] };
      requests.push(recorded);
      onRecord();
      let status: number;
      try {
        status = respond(recorded);
      } catch (error) {
        return Promise.resolve({ kind: 'retryable', reason: 'network', error: String(error) });
      }
      return Promise.resolve(classifyStatus(status, undefined, 0));
    },
    close: () => Promise.resolve(),
  };
}
