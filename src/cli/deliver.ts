import type { Ga4ValidationResult } from '../protocols/ga4/validate.js';
import type { UaValidationResult } from '../protocols/ua/validate.js';
import { countText, formatGa4Result, formatUaResult, ga4MessageCount, printable, uaMessageCount } from './format-validation.js';
import { postBody } from './post-body.js';
import { maskUrl, redact } from './redact.js';
import type { CliIo } from './run.js';
import type { Target } from './target-flags.js';

/** One body on its way: what it is and where it goes. */
export interface Outgoing {
  protocol: 'ga4' | 'ua';
  body: string;
  target: Target;
  timeoutMs: number;
}

const CONTENT_TYPES = { ga4: 'application/json', ua: 'text/plain' } as const;
const MAX_SHOWN_ANSWER_CHARS = 2000;

/** Google's note: /mp/collect says 2xx to anything, so a 2xx proves delivery, not acceptance. */
export const GOOGLE_2XX_NOTE =
  'note: Google answers 2xx to anything sent to /mp/collect (a malformed payload, a wrong or revoked api_secret, an unknown measurement id), so this proves delivery, not acceptance. Check the payload with --debug (the validation server), and the id and secret with `footfall verify`.\n';

/** POSTs to the collect URL; true on 2xx. Prints the status (and, for Google, that 2xx proves little), or why it failed (on stderr). */
export async function sendToCollect(outgoing: Outgoing, io: CliIo, { googleNote = true } = {}): Promise<boolean> {
  const { target } = outgoing;
  const shown = maskUrl(target.collectUrl);
  io.stdout(`\nsending to ${shown}\n`);
  const result = await postBody(target.collectUrl, outgoing.body, CONTENT_TYPES[outgoing.protocol], outgoing.timeoutMs);
  if (!result.ok) {
    io.stderr(`footfall: could not send to ${shown}: ${redact(result.error, target.secrets)}\n`);
    return false;
  }
  if (result.status < 200 || result.status > 299) {
    io.stderr(`footfall: ${shown} refused the hit with HTTP ${result.status}${answerText(result.text, target)}\n`);
    return false;
  }
  io.stdout(`answer: HTTP ${result.status} (accepted)\n`);
  if (googleNote && target.google && outgoing.protocol === 'ga4') io.stdout(GOOGLE_2XX_NOTE);
  return true;
}

/**
 * POSTs to the validation URL and prints its messages; true when it answered with none. A GA4
 * body asks for ENFORCE_RECOMMENDATIONS (Google's advice for development; its default,
 * RELAXED, reports little), the rules Footfall's offline validator applies.
 */
export async function sendToDebug(outgoing: Outgoing, io: CliIo): Promise<boolean> {
  const { target } = outgoing;
  const shown = maskUrl(target.debugUrl);
  io.stdout(`\nvalidating at ${shown}\n`);
  const body = outgoing.protocol === 'ga4' ? enforcing(outgoing.body) : outgoing.body;
  const result = await postBody(target.debugUrl, body, CONTENT_TYPES[outgoing.protocol], outgoing.timeoutMs);
  if (!result.ok) {
    io.stderr(`footfall: could not reach the validation server ${shown}: ${redact(result.error, target.secrets)}\n`);
    return false;
  }
  const parsed = result.status === 200 ? parseJson(result.text) : undefined;
  const count = countMessages(outgoing.protocol, parsed);
  if (count === undefined) {
    io.stderr(`footfall: ${shown} did not answer as a validation server (HTTP ${result.status})${answerText(result.text, target)}\n`);
    return false;
  }
  io.stdout(`validation server: ${countText(count, 'message')}\n`);
  io.stdout(outgoing.protocol === 'ga4' ? formatGa4Result(parsed as Ga4ValidationResult) : formatUaResult(parsed as UaValidationResult));
  return count === 0;
}

/** The GA4 body with `validation_behavior: ENFORCE_RECOMMENDATIONS`, unless it names a behaviour (or is not a JSON object). */
function enforcing(body: string): string {
  const parsed = parseJson(body);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || 'validation_behavior' in parsed) return body;
  return JSON.stringify({ ...parsed, validation_behavior: 'ENFORCE_RECOMMENDATIONS' });
}

function countMessages(protocol: 'ga4' | 'ua', parsed: unknown): number | undefined {
  if (parsed === null || typeof parsed !== 'object') return undefined;
  if (protocol === 'ga4') return Array.isArray((parsed as Ga4ValidationResult).validationMessages) ? ga4MessageCount(parsed as Ga4ValidationResult) : undefined;
  const hits = (parsed as UaValidationResult).hitParsingResult;
  return Array.isArray(hits) && hits.every((hit) => Array.isArray(hit.parserMessage)) ? uaMessageCount(parsed as UaValidationResult) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function answerText(text: string, target: Target): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return '';
  const cut = trimmed.length > MAX_SHOWN_ANSWER_CHARS ? `${trimmed.slice(0, MAX_SHOWN_ANSWER_CHARS)}...` : trimmed;
  return `; it answered: ${printable(redact(cut, target.secrets))}`;
}
