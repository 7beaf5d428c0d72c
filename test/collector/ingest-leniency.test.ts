import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { T0 } from '../helpers/context.js';

// Payloads are hand-written in the shapes real clients send (GA4 clients with a UUID
// client_id and RELAXED default, universal-analytics' form-encoded v1 hits).

const IDS = 'measurement_id=G-TEST123&api_secret=s3cret';
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const HOUR_MS = 3_600_000;
const NOW = T0 + 1000;

interface Reply {
  status: number;
  text: string;
}

async function send(url: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const response = await request(url, options);
  return { status: response.statusCode, text: await response.body.text() };
}

interface ApiHit {
  route: string;
  method: string;
  client: string;
  title?: string;
  timeMs: number;
  eventName: string;
}

interface Leniency {
  cutValues: number;
  droppedParams: number;
  droppedEvents: number;
  rewrittenTimestamps: number;
}

describe('ingestion as lenient as Google on collect, as strict as the validation server on debug', () => {
  let collector: Collector;
  let seq = 0;
  const clock = createManualClock(NOW);
  before(async () => {
    collector = await startCollector({ port: 0, memory: true, log: () => undefined, clock });
  });
  after(() => collector.close());

  /** A page_location on its own path, so each test reads back only its own hits. */
  const page = (): string => `https://shop.example/lenient/${seq++}`;
  const mp = (body: unknown, debug = false): Promise<Reply> =>
    send(`${collector.url}${debug ? '/debug' : ''}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });
  const hitsOn = async (path: string): Promise<ApiHit[]> => {
    const reply = await send(`${collector.url}/api/hits?limit=1000`);
    return (JSON.parse(reply.text) as { hits: ApiHit[] }).hits.filter((hit) => hit.route === path);
  };
  const status = async (): Promise<Leniency> => JSON.parse((await send(`${collector.url}/api/status`)).text) as Leniency;
  const messages = (reply: Reply): { fieldPath: string; validationCode: string }[] =>
    (JSON.parse(reply.text) as { validationMessages: { fieldPath: string; validationCode: string }[] }).validationMessages;
  const pageView = (location: string, params: Record<string, unknown> = {}): { name: string; params: Record<string, unknown> } =>
    ({ name: 'page_view', params: { page_location: location, engagement_time_msec: 100, session_id: '1717000123', ...params } });

  describe('GA4 /mp/collect (RELAXED, Google\'s default)', () => {
    it('stores a UUID client_id as the client', async () => {
      const location = page();
      const uuid = '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b';
      assert.equal((await mp({ client_id: uuid, events: [pageView(location)] })).status, 204);
      assert.deepEqual((await hitsOn(new URL(location).pathname)).map((hit) => hit.client), [uuid]);
    });

    it('stores a hit older than 72 h at 72 h before receipt, as Google rewrites it, and counts it', async () => {
      const location = page();
      const before = await status();
      const oldMicros = (NOW - 100 * HOUR_MS) * 1000;
      assert.equal((await mp({ client_id: '1.2', timestamp_micros: oldMicros, events: [pageView(location)] })).status, 204);
      assert.deepEqual((await hitsOn(new URL(location).pathname)).map((hit) => hit.timeMs), [NOW - 72 * HOUR_MS]);
      assert.equal((await status()).rewrittenTimestamps - before.rewrittenTimestamps, 1);
    });

    it('cuts a 301-character page_title to 300 and a 101-character parameter to 100, and counts both', async () => {
      const location = page();
      const before = await status();
      const reply = await mp({ client_id: '1.2', events: [pageView(location, { page_title: 'T'.repeat(301), plan: 'p'.repeat(101) })] });
      assert.equal(reply.status, 204);
      assert.deepEqual((await hitsOn(new URL(location).pathname)).map((hit) => hit.title), ['T'.repeat(300)]);
      assert.equal((await status()).cutValues - before.cutValues, 2);
    });

    it('accepts boolean parameters and drops invalid or reserved names, object values and params past the 25th, counting each drop', async () => {
      const location = page();
      const before = await status();
      const extra = Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`p${i}`, i]));
      // 3 base params + logged_in + 22 extra = 26 valid params: one is past the limit.
      const params = { logged_in: true, ...extra, 'bad-name': 'x', _private: 'x', firebase_conversion: 1, nested: { a: 1 } };
      const reply = await mp({ client_id: '1.2', events: [pageView(location, params)] });
      assert.equal(reply.status, 204);
      assert.equal((await hitsOn(new URL(location).pathname)).length, 1);
      assert.equal((await status()).droppedParams - before.droppedParams, 5);
    });

    it('drops an event whose name is invalid or reserved and stores the others', async () => {
      const location = page();
      const before = await status();
      const reply = await mp({ client_id: '1.2', events: [pageView(location), { name: 'session_start', params: { page_location: location } }, { name: '1bad' }] });
      assert.equal(reply.status, 204);
      assert.equal((await hitsOn(new URL(location).pathname)).length, 1);
      assert.equal((await status()).droppedEvents - before.droppedEvents, 2);
    });

    it('with ENFORCE_RECOMMENDATIONS drops (not cuts) over-limit and boolean values and drops (not moves) old events, still without refusing', async () => {
      const location = page();
      const before = await status();
      const old = { ...pageView(location), timestamp_micros: (NOW - 100 * HOUR_MS) * 1000 };
      const body = { client_id: '1.2', validation_behavior: 'ENFORCE_RECOMMENDATIONS', events: [pageView(location, { page_title: 'T'.repeat(301), logged_in: true }), old] };
      assert.equal((await mp(body)).status, 204);
      assert.deepEqual((await hitsOn(new URL(location).pathname)).map((hit) => [hit.title, hit.timeMs]), [[undefined, NOW]]);
      const after = await status();
      assert.deepEqual([after.droppedParams - before.droppedParams, after.droppedEvents - before.droppedEvents, after.cutValues - before.cutValues], [2, 1, 0]);
    });

    it('still refuses what is not a request at all: bad JSON, no ids, no client_id, no events', async () => {
      const cases: [string, string, RegExp][] = [
        [IDS, '{"client_id":', /invalid Measurement Protocol payload/],
        ['api_secret=s3cret', JSON.stringify({ client_id: '1.2', events: [pageView(page())] }), /missing measurement_id/],
        [IDS, JSON.stringify({ events: [pageView(page())] }), /invalid Measurement Protocol payload/],
        [IDS, JSON.stringify({ client_id: '1.2', events: [] }), /invalid Measurement Protocol payload/],
      ];
      for (const [query, body, message] of cases) {
        const reply = await send(`${collector.url}/mp/collect?${query}`, { method: 'POST', headers: JSON_TYPE, body });
        assert.equal(reply.status, 400, body);
        assert.match(reply.text, message);
      }
    });
  });

  describe('GA4 /debug/mp/collect honours validation_behavior', () => {
    const lenientCases = (): unknown[] => [
      { client_id: '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b', events: [pageView(page())] },
      { client_id: '1.2', timestamp_micros: (NOW - 100 * HOUR_MS) * 1000, events: [pageView(page())] },
      { client_id: '1.2', events: [pageView(page(), { page_title: 'T'.repeat(301) })] },
      { client_id: '1.2', events: [pageView(page(), { logged_in: true })] },
    ];

    it('RELAXED (absent or explicit) reports nothing for what Google processes', async () => {
      for (const body of lenientCases()) {
        assert.deepEqual(messages(await mp(body, true)), [], JSON.stringify(body));
        assert.deepEqual(messages(await mp({ ...(body as object), validation_behavior: 'RELAXED' }, true)), [], JSON.stringify(body));
      }
    });

    it('ENFORCE_RECOMMENDATIONS reports each of them', async () => {
      const expected = [['client_id', 'VALUE_INVALID'], ['timestamp_micros', 'VALUE_INVALID'], ['events[0].params.page_title', 'VALUE_OUT_OF_BOUNDS'], ['events[0].params.logged_in', 'VALUE_INVALID']];
      const found = [];
      for (const body of lenientCases()) {
        found.push(messages(await mp({ ...(body as object), validation_behavior: 'ENFORCE_RECOMMENDATIONS' }, true)).map((m) => [m.fieldPath, m.validationCode]));
      }
      assert.deepEqual(found, expected.map((pair) => [pair]));
    });

    it('both behaviours report malformed requests and invalid names', async () => {
      for (const behavior of ['RELAXED', 'ENFORCE_RECOMMENDATIONS']) {
        const reply = await mp({ client_id: '1.2', validation_behavior: behavior, events: [{ name: '_bad' }] }, true);
        assert.deepEqual(messages(reply).map((m) => m.validationCode), ['NAME_INVALID']);
        const empty = await mp({ validation_behavior: behavior, events: [] }, true);
        assert.deepEqual(messages(empty).map((m) => m.validationCode), ['VALUE_REQUIRED', 'VALUE_REQUIRED']);
      }
    });
  });

  describe('UA v1: one parser for GET, POST, /batch and /debug', () => {
    const ua = (query: string): string => `v=1&tid=UA-1234-5&cid=35009a79-1a05-49d7-b876-2b884d0f825b&${query}`;
    const collectBoth = async (payload: string): Promise<[Reply, Reply]> => [
      await send(`${collector.url}/collect?${payload}`),
      await send(`${collector.url}/collect`, { method: 'POST', headers: FORM_TYPE, body: payload }),
    ];

    it('a bad percent-escape (%ZZ) is refused by GET and POST alike, and /debug/collect calls it invalid', async () => {
      const payload = ua(`t=pageview&dh=shop.example&dp=%2Fbad%ZZ${seq++}`);
      const [get, post] = await collectBoth(payload);
      assert.deepEqual([get.status, post.status], [400, 400]);
      const debug = JSON.parse((await send(`${collector.url}/debug/collect?${payload}`)).text) as { hitParsingResult: { valid: boolean }[] };
      assert.deepEqual(debug.hitParsingResult.map((hit) => hit.valid), [false]);
    });

    it('a valid payload is stored the same by GET and POST', async () => {
      const path = `/users/${seq++}`;
      const [get, post] = await collectBoth(ua(`t=pageview&dh=shop.example&dp=${encodeURIComponent(path)}&dt=Users`));
      assert.deepEqual([get.status, post.status], [200, 200]);
      assert.deepEqual((await hitsOn(path)).map((hit) => [hit.method, hit.title]), [['GET', 'Users'], ['GET', 'Users']]);
    });

    it('two lines: /collect refuses them and /debug/collect calls them invalid; /batch stores them and /debug/batch calls them valid', async () => {
      const body = [ua(`t=pageview&dh=a.example&dp=%2Ftwo${seq}`), ua(`t=pageview&dh=a.example&dp=%2Ftwo${seq++}`)].join('\n');
      const post = (path: string): Promise<Reply> => send(`${collector.url}${path}`, { method: 'POST', headers: FORM_TYPE, body });
      assert.equal((await post('/collect')).status, 400);
      const valid = (reply: Reply): boolean[] => (JSON.parse(reply.text) as { hitParsingResult: { valid: boolean }[] }).hitParsingResult.map((hit) => hit.valid);
      assert.ok(valid(await post('/debug/collect')).every((ok) => !ok));
      assert.equal((await post('/batch')).status, 200);
      assert.deepEqual(valid(await post('/debug/batch')), [true, true]);
    });

    it('decodes dp as GA does: /users/{id}, not /users/%7Bid%7D', async () => {
      const path = `/users/{id}/x${seq++}`;
      const [get] = await collectBoth(ua(`t=pageview&dh=shop.example&dp=${encodeURIComponent(path)}`));
      assert.equal(get.status, 200);
      assert.equal((await hitsOn(path)).length, 2);
    });
  });

  describe('hits that are not page views are stored as events of their page, not counted as calls', () => {
    const endpointHits = async (route: string): Promise<number | undefined> => {
      const reply = JSON.parse((await send(`${collector.url}/api/endpoints`)).text) as { endpoints: { route: string; hits: number }[] };
      return reply.endpoints.find((endpoint) => endpoint.route === route)?.hits;
    };

    it('GA4 page_view + scroll + file_download on one page is one call and three stored hits', async () => {
      const location = page();
      const path = new URL(location).pathname;
      const events = [pageView(location), { name: 'scroll', params: { page_location: location, percent_scrolled: 90 } }, { name: 'file_download', params: { page_location: location, file_name: 'a.pdf' } }];
      assert.equal((await mp({ client_id: '1.2', events })).status, 204);
      assert.deepEqual((await hitsOn(path)).map((hit) => hit.eventName).sort(), ['file_download', 'page_view', 'scroll']);
      assert.equal(await endpointHits(path), 1);
    });

    it('UA event, timing, exception and screenview hits are stored but make no endpoint such as GET (event)', async () => {
      const tag = seq++;
      const lines = [
        `v=1&tid=UA-1234-5&cid=c${tag}&t=event&ec=video&ea=play`,
        `v=1&tid=UA-1234-5&cid=c${tag}&t=timing&utc=api&utv=load&utt=120`,
        `v=1&tid=UA-1234-5&cid=c${tag}&t=exception&exd=boom`,
        `v=1&tid=UA-1234-5&cid=c${tag}&t=screenview&an=app&cd=Home`,
      ];
      assert.equal((await send(`${collector.url}/batch`, { method: 'POST', headers: FORM_TYPE, body: lines.join('\n') })).status, 200);
      const stored = (JSON.parse((await send(`${collector.url}/api/hits?limit=1000`)).text) as { hits: (ApiHit & { client: string })[] }).hits.filter((hit) => hit.client === `c${tag}`);
      assert.deepEqual(stored.map((hit) => hit.eventName).sort(), ['event', 'exception', 'screenview', 'timing']);
      for (const route of ['(event)', '(timing)', '(exception)', '(screenview)']) assert.equal(await endpointHits(route), undefined, route);
    });
  });
});
