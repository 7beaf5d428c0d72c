import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { encodeGa4 } from '../../protocols/ga4/encode.js';
import { sendToCollect, sendToDebug, type Outgoing } from '../deliver.js';
import { buildHit } from '../hit-flags.js';
import { maskUrl } from '../redact.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';
import { addTargetFlags, resolveGa4Target, type Target, type TargetFlags } from '../target-flags.js';
import { usageFailure } from '../usage.js';

/** Where the verification page_view claims to come from; `.invalid` never resolves (RFC 2606). */
export const VERIFY_HOST = 'footfall-verify.invalid';
export const VERIFY_ROUTE = '/footfall/verify';

/**
 * `footfall verify`: checks one `debug_mode` page_view against the validation server, sends
 * it to the real /mp/collect, and says where to watch it arrive. Only GA4 itself can say
 * whether the measurement id and API secret are right: the validation server checks neither.
 */
export function registerVerify(program: Command, io: CliIo, state: { code: number }): void {
  const command = program
    .command('verify')
    .description('send one debug_mode page_view to GA4 (after checking it at /debug/mp/collect) and say where to watch it arrive');
  addTargetFlags(command).action(async (flags: TargetFlags, cmd: Command) => {
    state.code = await runVerify(flags, io, usageFailure(cmd));
  });
}

async function runVerify(flags: TargetFlags, io: CliIo, fail: (message: string) => never): Promise<number> {
  const target = resolveGa4Target(flags, io.env, fail, true);
  const nowMs = Date.now();
  const marker = verifyMarker(nowMs);
  const title = `footfall verify ${marker}`;
  const { hit } = buildHit({ url: VERIFY_ROUTE, route: VERIFY_ROUTE, title, method: 'GET', status: 200, durationMs: 100, canonicalHost: `https://${VERIFY_HOST}`, query: 'none' }, {}, nowMs, fail);
  const [request] = encodeGa4([hit], { nowMs, debugMode: true }).requests;
  if (request === undefined) throw new Error('the verification hit could not be encoded');
  io.stdout(`Verifying measurement id ${target.measurementId ?? ''} (the API secret is not shown).\npage_view titled "${title}", client_id ${hit.clientId}, debug_mode on:\n${request.body}\n`);
  const outgoing: Outgoing = { protocol: 'ga4', body: request.body, target, timeoutMs: flags.timeoutMs };
  if (!(await sendToDebug(outgoing, io))) {
    io.stderr('footfall: not sent to /mp/collect: the validation server did not accept the payload (see above).\n');
    return EXIT.problem;
  }
  if (!(await sendToCollect(outgoing, io, { googleNote: false }))) return EXIT.problem;
  io.stdout(whereToLook(target, title, flags.to));
  return EXIT.ok;
}

/** `YYYYMMDD-HHMMSS-xxxxxx` (UTC, then random hex): unique enough to search for. */
export function verifyMarker(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function whereToLook(target: Target, title: string, to: string | undefined): string {
  const lines = [
    '',
    `Sent. Now watch for the page_view titled "${title}" in the GA4 property of ${target.measurementId ?? 'your stream'}:`,
    '  1. Admin > DebugView (under Data display): debug_mode is on, so it should appear within about a minute,',
    '     with page_title, api_route and http_status in its parameters.',
    '  2. Reports > Realtime: "Views by Page title and screen name" should list the title within a minute or two.',
    'If it never shows up, the measurement id or the API secret is wrong: the validation server checks neither, and',
    '/mp/collect answers 2xx even to a wrong, revoked or other-stream secret, so such hits are silently lost.',
    'Check Admin > Data streams > (your web stream): the Measurement ID there (not the stream id), and that the',
    'secret is listed under Measurement Protocol API secrets of that same stream.',
    'It is a real event: it may also show in your reports, as one page_view of /footfall/verify on footfall-verify.invalid.',
  ];
  if (to !== undefined) lines.push(`(Sent to ${maskUrl(target.collectUrl)} (--to), not to Google: a Footfall collector lists it under recent hits on its dashboard.)`);
  return `${lines.join('\n')}\n`;
}
