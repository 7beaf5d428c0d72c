import type { Ga4ValidationResult } from '../protocols/ga4/validate.js';
import type { UaValidationResult } from '../protocols/ua/validate.js';

/** Number of messages in a GA4 result: 0 is clean. */
export function ga4MessageCount(result: Ga4ValidationResult): number {
  return result.validationMessages.length;
}

/** Number of messages (plus invalid hits without one) in a UA result: 0 is clean. */
export function uaMessageCount(result: UaValidationResult): number {
  return result.hitParsingResult.reduce((sum, hit) => sum + Math.max(hit.parserMessage.length, hit.valid ? 0 : 1), 0);
}

/** One line per message: field path, code, description (nothing when clean). */
export function formatGa4Result(result: Ga4ValidationResult, indent = '  '): string {
  if (result.validationMessages.length === 0) return '';
  return result.validationMessages
    .map((message) => `${indent}- ${printable(message.fieldPath === '' ? '(body)' : message.fieldPath)}  ${message.validationCode}  ${printable(message.description)}\n`)
    .join('');
}

/** Per hit: valid or not, then one line per parser message. */
export function formatUaResult(result: UaValidationResult, indent = '  '): string {
  return result.hitParsingResult
    .map((hit, index) => {
      const head = `${indent}hit ${index + 1}: ${hit.valid ? 'valid' : 'INVALID'}${hit.parserMessage.length === 0 ? ', no messages' : ''}  (${printable(shorten(hit.hit, 80))})\n`;
      const lines = hit.parserMessage.map((message) => `${indent}  - ${message.messageType}  ${message.parameter === undefined ? '' : `${printable(message.parameter)}  `}${printable(message.description)}\n`);
      return head + lines.join('');
    })
    .join('');
}

/** `n problem(s)` or `no problems`. */
export function countText(count: number, noun = 'problem'): string {
  return count === 0 ? `no ${noun}s` : `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Control characters shown as escapes, so a payload cannot restyle the terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function shorten(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}
