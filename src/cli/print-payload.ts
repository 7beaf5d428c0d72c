import type { Ga4Request } from '../protocols/ga4/encode.js';
import { parsePayload } from '../protocols/ua/params.js';
import { printable } from './format-validation.js';

/** The GA4 payload, pretty, then the exact one-line body that is sent. */
export function formatGa4Payload(request: Ga4Request): string {
  return [
    'GA4 payload:',
    JSON.stringify(request.payload, null, 2),
    '',
    `body (exact, ${Buffer.byteLength(request.body)} bytes):`,
    request.body,
    '',
  ].join('\n');
}

/** The exact UA v1 body, then its parameters decoded, one a line. */
export function formatUaPayload(body: string): string {
  const lines = [`UA v1 body (exact, ${Buffer.byteLength(body)} bytes):`, body, '', 'parameters (decoded):'];
  for (const line of body.split('\n')) {
    const { values } = parsePayload(line);
    const width = Math.max(...[...values.keys()].map((name) => name.length));
    for (const [name, value] of values) lines.push(`  ${name.padEnd(width)}  ${printable(value)}`);
  }
  return `${lines.join('\n')}\n`;
}
