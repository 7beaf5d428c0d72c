import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { validateUa } from '../../src/protocols/ua/validate.js';
import { cli, cliWith } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';
import { hitAt } from '../helpers/hits.js';

const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function ga4Body(): string {
  const nowMs = Date.now();
  const [request] = encodeGa4([{ ...hitAt(0), timestampMs: nowMs }], { nowMs }).requests;
  assert.ok(request);
  return request.body;
}

function uaBody(count: number): string {
  const nowMs = Date.now();
  const hits = Array.from({ length: count }, (_, i) => ({ ...hitAt(i), timestampMs: nowMs }));
  const [request] = encodeUa(hits, { trackingId: 'UA-12345-1', nowMs }).requests;
  assert.ok(request);
  return request.body;
}

/** No timestamps, so the messages do not depend on the clock. */
const BAD_GA4 = JSON.stringify({ client_id: 'abc', events: [{ name: '_bad', params: { session_id: 1 } }] });
const BAD_UA = 'v=1&tid=G-NOPE&cid=1.2&t=pageview&dp=%2Fx\nv=1&tid=UA-1-1&cid=1.2&t=pageview&dh=a.example&dp=%2Fy\n';

describe('footfall validate (in-process)', () => {
  it('a good GA4 payload file: exit 0, no problems', async () => {
    const { code, stdout, stderr } = await cli('validate', file('good.json', ga4Body()));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^GA4 payload \(.*good\.json\): no problems\n$/);
  });

  it('a bad GA4 payload: exit 1, one readable line per message (field path, code, description)', async () => {
    const { code, stdout } = await cli('validate', file('bad.json', BAD_GA4));
    assert.equal(code, 1);
    const expected = validateGa4(BAD_GA4).validationMessages;
    assert.ok(expected.length >= 2);
    assert.match(stdout, new RegExp(`^GA4 payload \\(.*bad\\.json\\): ${expected.length} problems\\n`));
    for (const message of expected) assert.ok(stdout.includes(`  - ${message.fieldPath}  ${message.validationCode}  ${message.description}\n`), `${message.description} in\n${stdout}`);
  });

  it('--json prints the validator\'s exact answer', async () => {
    const { code, stdout } = await cli('validate', '--json', file('bad-json.json', BAD_GA4));
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(stdout), validateGa4(BAD_GA4));
    const ua = await cli('validate', '--json', file('bad.txt', BAD_UA));
    assert.equal(ua.code, 1);
    assert.deepEqual(JSON.parse(ua.stdout), validateUa(BAD_UA));
  });

  it('a good UA body (a batch of 3): exit 0, valid per hit', async () => {
    const { code, stdout } = await cli('validate', file('good-ua.txt', uaBody(3)));
    assert.equal(code, 0);
    assert.match(stdout, /^UA v1 body \(.*good-ua\.txt, 3 hits\): no problems\n {2}hit 1: valid, no messages/);
    assert.equal(stdout.match(/valid, no messages/g)?.length, 3);
  });

  it('a bad UA body: exit 1, messages per hit', async () => {
    const { code, stdout } = await cli('validate', file('bad-ua.txt', BAD_UA));
    assert.equal(code, 1);
    assert.match(stdout, /hit 1: INVALID .*\n {4}- ERROR {2}tid {2}The value provided for parameter 'tid' is invalid/);
    assert.match(stdout, /hit 2: valid, no messages/);
  });

  it('reads standard input for -', async () => {
    assert.equal((await cliWith({ stdin: ga4Body() }, 'validate', '-')).code, 0);
    const bad = await cliWith({ stdin: BAD_UA }, 'validate', '-');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^UA v1 body \(standard input, 2 hits\)/);
    const none = await cli('validate', '-');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /cannot read standard input here/);
  });

  it('--protocol forces the protocol; undetectable input asks for it', async () => {
    const forced = await cli('validate', '--protocol', 'ua', file('forced.json', ga4Body()));
    assert.equal(forced.code, 1);
    assert.match(forced.stdout, /^UA v1 body/);
    const unknown = await cli('validate', file('unknown.txt', 'hello world'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /cannot tell whether .*unknown\.txt is a GA4 payload .* pass --protocol ga4 or --protocol ua/);
    const empty = await cli('validate', file('empty.txt', '\n'));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /empty\.txt is empty/);
  });

  it('a missing file: exit 1 with a clear message', async () => {
    const { code, stderr } = await cli('validate', join(dir, 'nope.json'));
    assert.equal(code, 1);
    assert.match(stderr, /^footfall: cannot read ".*nope\.json": no such file\. Pass a file holding a GA4 JSON payload or a UA v1 body, or - to read standard input\.\n$/);
  });

  it('usage errors: exit 2 naming the flag or argument', async () => {
    const bad = await cli('validate', '--protocol', 'json', 'x');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--protocol <protocol>.*Allowed choices are ga4, ua/);
    const missing = await cli('validate');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'file'/);
  });
});

describe('footfall validate (a real process)', () => {
  it('validates standard input and exits 1 with the messages', async () => {
    const { code, stdout } = await runFootfall(['validate', '-'], { stdin: BAD_GA4 });
    assert.equal(code, 1);
    assert.match(stdout, /^GA4 payload \(standard input\): \d+ problems\n {2}- client_id {2}VALUE_INVALID/);
  });

  it('exits 0 on a good file', async () => {
    const { code, stdout } = await runFootfall(['validate', file('process.json', ga4Body())]);
    assert.equal(code, 0);
    assert.match(stdout, /no problems/);
  });
});
