import { Option, type Command } from 'commander';
import type { Hit } from '../../core/hit.js';
import { encodeGa4 } from '../../protocols/ga4/encode.js';
import { validateGa4 } from '../../protocols/ga4/validate.js';
import { encodeUa } from '../../protocols/ua/encode.js';
import { validateUa } from '../../protocols/ua/validate.js';
import { sendToCollect, sendToDebug, type Outgoing } from '../deliver.js';
import { countText, formatGa4Result, formatUaResult, ga4MessageCount, uaMessageCount } from '../format-validation.js';
import { addHitFlags, buildHit, type HitFlags } from '../hit-flags.js';
import { formatGa4Payload, formatUaPayload } from '../print-payload.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';
import { addTargetFlags, parseTrackingId, PLACEHOLDER_IDS, resolveGa4Target, resolveUaTarget, type Target, type TargetFlags } from '../target-flags.js';
import { usageFailure } from '../usage.js';

interface SendFlags extends HitFlags, TargetFlags {
  protocol: 'ga4' | 'ua';
  trackingId: string;
  debug?: boolean;
  debugMode?: boolean;
  dryRun?: boolean;
}

/** An encoded hit: the exact body, what to print, and the offline validation. */
interface Encoded {
  body: string;
  printed: string;
  problems: number;
  validation: string;
}

/**
 * `footfall send`: the Hit Builder in the terminal. Builds one hit from flags the way the
 * library does (resolveHitOptions + toHit + the protocol's encoder), prints the exact payload,
 * validates it offline, then sends it to `--to` or to Google (`--debug`: to the validation server).
 */
export function registerSend(program: Command, io: CliIo, state: { code: number }): void {
  const command = program.command('send').description('build one hit from flags, print its exact payload, validate it, and send it (to --to or to GA4)');
  addHitFlags(command);
  command
    .addOption(new Option('--protocol <protocol>', 'wire protocol').choices(['ga4', 'ua']).default('ga4'))
    .option('--tracking-id <id>', 'UA tracking id, with --protocol ua', parseTrackingId, PLACEHOLDER_IDS.trackingId);
  addTargetFlags(command);
  command
    .option('--debug', 'send to the validation endpoint (/debug/mp/collect, /debug/collect) and print its messages; nothing is recorded')
    .option('--debug-mode', 'GA4: add debug_mode: true so the event shows in GA4\'s DebugView')
    .option('--dry-run', 'print and validate offline only; send nothing')
    .action(async (flags: SendFlags, cmd: Command) => {
      state.code = await runSend(flags, io, usageFailure(cmd));
    });
}

async function runSend(flags: SendFlags, io: CliIo, fail: (message: string) => never): Promise<number> {
  if (flags.protocol === 'ua' && flags.debugMode === true) fail('--debug-mode is for GA4 (DebugView); drop it with --protocol ua');
  const target = flags.dryRun === true ? undefined : resolveTarget(flags, io, fail);
  const nowMs = Date.now();
  const { hit, randomKey } = buildHit(flags, io.env, nowMs, fail);
  const encoded = flags.protocol === 'ga4' ? encodeAsGa4(hit, nowMs, flags.debugMode === true) : encodeAsUa(hit, nowMs, flags.trackingId);
  io.stdout(encoded.printed);
  if (randomKey) io.stdout('\nnote: no --hash-key or FOOTFALL_HASH_KEY, so the ids were hashed with a random key: they will not match the ids your app sends.\n');
  io.stdout(`\noffline validation (Footfall's validator): ${countText(encoded.problems)}\n${encoded.validation}`);
  if (target === undefined) return encoded.problems === 0 ? EXIT.ok : EXIT.problem;
  if (encoded.problems > 0 && flags.debug !== true) {
    io.stderr('footfall: not sent: the payload has the problems listed above (--debug sends it to the validation server anyway).\n');
    return EXIT.problem;
  }
  const outgoing: Outgoing = { protocol: flags.protocol, body: encoded.body, target, timeoutMs: flags.timeoutMs };
  const delivered = flags.debug === true ? await sendToDebug(outgoing, io) : await sendToCollect(outgoing, io);
  return delivered && encoded.problems === 0 ? EXIT.ok : EXIT.problem;
}

function resolveTarget(flags: SendFlags, io: CliIo, fail: (message: string) => never): Target {
  return flags.protocol === 'ga4' ? resolveGa4Target(flags, io.env, fail) : resolveUaTarget(flags, flags.trackingId, fail);
}

function encodeAsGa4(hit: Hit, nowMs: number, debugMode: boolean): Encoded {
  const [request] = encodeGa4([hit], { nowMs, debugMode }).requests;
  if (request === undefined) throw new Error('the hit could not be encoded as GA4 (it is older than 72 hours)');
  const result = validateGa4(request.body, { nowMs });
  return { body: request.body, printed: formatGa4Payload(request), problems: ga4MessageCount(result), validation: formatGa4Result(result) };
}

function encodeAsUa(hit: Hit, nowMs: number, trackingId: string): Encoded {
  const [request] = encodeUa([hit], { trackingId, nowMs }).requests;
  if (request === undefined) throw new Error('the hit could not be encoded as UA v1 (it is older than 4 hours)');
  const result = validateUa(request.body);
  return { body: request.body, printed: formatUaPayload(request.body), problems: uaMessageCount(result), validation: formatUaResult(result) };
}
