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
  /** The body is for `/collect` (one hit), not `/batch`: several lines make every hit invalid, as `/collect` refuses them. @default false */
  single?: boolean;
}

const HIT_PREFIX = '/debug/collect?';
const MAX_SHOWN_CHARS = 2000;

/**
 * Validates a Measurement Protocol v1 body (a string or bytes; several lines are a batch)
 * the way Google's `/debug/collect` does, and answers in its shape: one entry per hit,
 * valid when it carries no ERROR. Never throws.
 */
export function validateUa(body: unknown, options: ValidateUaOptions = {}): UaValidationResult {
  try {
    return { hitParsingResult: validateBody(body, options.single === true) };
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    return { hitParsingResult: [invalid(HIT_PREFIX, `Unable to validate the request body: ${reason}.`)] };
  }
}

/** The payloads of a v1 body: one per line, a trailing CR removed, empty lines skipped. */
export function splitPayloads(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
}

function validateBody(body: unknown, single: boolean): UaHitParsingResult[] {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) {
    return [invalid(HIT_PREFIX, `The request body must be a string or bytes, not ${body === null ? 'null' : typeof body}.`)];
  }
  const lines = splitPayloads(text);
  if (lines.length === 0) return [invalid(HIT_PREFIX, 'The request body holds no hit payload.')];
  if (single && lines.length > 1) {
    return lines.map((line) => invalid(cutChars(HIT_PREFIX + line, MAX_SHOWN_CHARS), `/collect takes one hit, got ${lines.length} lines: send several to /batch.`));
  }
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
