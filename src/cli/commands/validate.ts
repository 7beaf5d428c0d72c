import { Option, type Command } from 'commander';
import { validateGa4 } from '../../protocols/ga4/validate.js';
import { validateUa } from '../../protocols/ua/validate.js';
import { countText, formatGa4Result, formatUaResult, ga4MessageCount, uaMessageCount } from '../format-validation.js';
import { readInput } from '../read-input.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';

interface ValidateFlags {
  protocol?: 'ga4' | 'ua';
  json?: boolean;
}

/**
 * `footfall validate FILE|-`: checks a GA4 JSON payload or a UA v1 body offline, with the
 * validators the library and the collector use. Exit 0 when clean, 1 with messages.
 */
export function registerValidate(program: Command, io: CliIo, state: { code: number }): void {
  program
    .command('validate')
    .description('validate a GA4 JSON payload or a UA v1 body offline (- reads standard input)')
    .argument('<file>', 'the payload file, or - for standard input')
    .addOption(new Option('--protocol <protocol>', 'force the protocol (default: a JSON object is GA4, v=1&... lines are UA)').choices(['ga4', 'ua']))
    .option('--json', 'print the validator\'s JSON answer (the shape of /debug/mp/collect or /debug/collect)')
    .action(async (file: string, flags: ValidateFlags) => {
      state.code = await runValidate(file, flags, io);
    });
}

async function runValidate(file: string, flags: ValidateFlags, io: CliIo): Promise<number> {
  const text = await readInput(file, io);
  const name = file === '-' ? 'standard input' : file;
  const protocol = flags.protocol ?? detectProtocol(text, name);
  const nowMs = Date.now();
  const result = protocol === 'ga4' ? validateGa4(text, { nowMs }) : validateUa(text);
  const count = 'validationMessages' in result ? ga4MessageCount(result) : uaMessageCount(result);
  if (flags.json === true) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  } else if ('validationMessages' in result) {
    io.stdout(`GA4 payload (${name}): ${countText(count)}\n${formatGa4Result(result)}`);
  } else {
    const hits = result.hitParsingResult.length;
    io.stdout(`UA v1 body (${name}, ${hits} hit${hits === 1 ? '' : 's'}): ${countText(count)}\n${formatUaResult(result)}`);
  }
  return count === 0 ? EXIT.ok : EXIT.problem;
}

/** A JSON object (or array) is GA4; `name=value&...` lines with v, tid, t or cid are UA. */
export function detectProtocol(text: string, name: string): 'ga4' | 'ua' {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'ga4';
  if (/(^|&)(v|tid|t|cid)=/.test(trimmed.split('\n')[0] ?? '')) return 'ua';
  if (trimmed.length === 0) throw new Error(`${name} is empty: expected a GA4 JSON payload or a UA v1 body.`);
  throw new Error(`cannot tell whether ${name} is a GA4 payload (a JSON object, {...}) or a UA v1 body (v=1&tid=... lines); pass --protocol ga4 or --protocol ua.`);
}
