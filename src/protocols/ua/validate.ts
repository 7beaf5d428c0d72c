import { cutChars, utf8Length } from '../../internal/text.js';
import { UA_LIMITS } from './limits.js';
import { checkPayload, type UaParserMessage } from './validate-hit.js';

export type { UaParserMessage } from './validate-hit.js';

/** One hit's result, in the shape of Google's `/debug/collect` answer. */
export interface UaHitParsingResult {
  valid: boolean;
  /** `/debug/collect?` and the payload, cut to 2 000 characters. */
  hit: string;
  parserMessage: UaParserMessage[];
}

export interface UaValidationResult {
  hitParsingResult: UaHitParsingResult[];
}

export interface ValidateUaOptions {
  /** "Now", epoch ms. Unused today: v1 times are relative (`qt`); kept to match `validateGa4`. */
  nowMs?: number;
}

const HIT_PREFIX = '/debug/collect?';
const MAX_SHOWN_CHARS = 2000;

/**
 * Validates a Measurement Protocol v1 body (a string or bytes; several lines are a batch)
 * the way Google's `/debug/collect` does, and answers in its shape: one entry per hit,
 * valid when it carries no ERROR. Never throws.
 */
export function validateUa(body: unknown, options?: ValidateUaOptions): UaValidationResult;
export function validateUa(body: unknown): UaValidationResult {
  try {
    return { hitParsingResult: validateBody(body) };
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    return { hitParsingResult: [invalid(HIT_PREFIX, `Unable to validate the request body: ${reason}.`)] };
  }
}

function validateBody(body: unknown): UaHitParsingResult[] {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) {
    return [invalid(HIT_PREFIX, `The request body must be a string or bytes, not ${body === null ? 'null' : typeof body}.`)];
  }
  const lines = text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
  if (lines.length === 0) return [invalid(HIT_PREFIX, 'The request body holds no hit payload.')];
  const bytes = utf8Length(text);
  return lines.map((line, index) => {
    const shown = cutChars(HIT_PREFIX + line, MAX_SHOWN_CHARS);
    // Hits past the 20th are not processed at all, so only that is reported.
    if (index >= UA_LIMITS.maxHitsPerBatch) return invalid(shown, tooMany(lines.length, index));
    const messages = checkPayload(line);
    if (lines.length > 1 && bytes > UA_LIMITS.maxBatchBytes) {
      messages.push({ messageType: 'ERROR', description: `The batch body is ${bytes} bytes; the limit for all hits together is ${UA_LIMITS.maxBatchBytes} bytes.` });
    }
    return { valid: !messages.some((message) => message.messageType === 'ERROR'), hit: shown, parserMessage: messages };
  });
}

function tooMany(count: number, index: number): string {
  return `The batch holds ${count} hits; at most ${UA_LIMITS.maxHitsPerBatch} are allowed per request, so hit ${index + 1} is not processed.`;
}

function invalid(hit: string, description: string): UaHitParsingResult {
  return { valid: false, hit, parserMessage: [{ messageType: 'ERROR', description }] };
}
