import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateGa4 } from '../../../src/protocols/ga4/validate.js';
import { GA4_VALIDATION_CODES } from '../../../src/protocols/ga4/limits.js';
import { T0 } from '../../helpers/context.js';

const NOW = T0;

function valid(): Record<string, unknown> {
  return {
    client_id: '123456.7654321',
    timestamp_micros: NOW * 1000,
    events: [{ name: 'page_view', params: { page_location: 'https://api.example.com/v1/x', session_id: 1, engagement_time_msec: 1 } }],
  };
}

function codes(payload: unknown): string[] {
  return validateGa4(payload, { nowMs: NOW }).validationMessages.map((m) => `${m.fieldPath} ${m.validationCode}`);
}

function withEvent(event: Record<string, unknown>) {
  return { ...valid(), events: [event] };
}

function withParams(params: Record<string, unknown>) {
  return withEvent({ name: 'page_view', params });
}

describe('validateGa4: a clean payload', () => {
  it('answers an empty list, in the validation server\'s shape', () => {
    assert.deepEqual(validateGa4(valid(), { nowMs: NOW }), { validationMessages: [] });
    assert.deepEqual(validateGa4(JSON.stringify(valid()), { nowMs: NOW }), { validationMessages: [] });
    assert.deepEqual(validateGa4(new TextEncoder().encode(JSON.stringify(valid())), { nowMs: NOW }), { validationMessages: [] });
  });

  it('accepts the client-id cookie form and app streams', () => {
    assert.deepEqual(codes({ ...valid(), client_id: 'GA1.1.123456.7654321' }), []);
    const app = valid();
    delete app.client_id;
    assert.deepEqual(codes({ ...app, app_instance_id: 'a'.repeat(32) }), []);
  });
});

describe('validateGa4: one rule at a time', () => {
  const cases: [string, unknown, string[]][] = [
    // Google's own example: { fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' }
    ['missing client_id', { events: valid().events }, ['client_id VALUE_REQUIRED']],
    ['empty client_id', { ...valid(), client_id: '' }, ['client_id VALUE_REQUIRED']],
    ['client_id not a string', { ...valid(), client_id: 7 }, ['client_id VALUE_INVALID']],
    ['client_id in the wrong format', { ...valid(), client_id: 'abc' }, ['client_id VALUE_INVALID']],
    ['bad app_instance_id', { events: valid().events, app_instance_id: 'xyz' }, ['app_instance_id VALUE_INVALID']],
    ['user_id too long', { ...valid(), user_id: 'u'.repeat(257) }, ['user_id VALUE_OUT_OF_BOUNDS']],
    ['user_id not a string', { ...valid(), user_id: 5 }, ['user_id VALUE_INVALID']],
    ['timestamp older than 72 h', { ...valid(), timestamp_micros: (NOW - 73 * 3_600_000) * 1000 }, ['timestamp_micros VALUE_INVALID']],
    ['timestamp in the future', { ...valid(), timestamp_micros: (NOW + 3_600_000) * 1000 }, ['timestamp_micros VALUE_INVALID']],
    ['timestamp not an integer', { ...valid(), timestamp_micros: 'soon' }, ['timestamp_micros VALUE_INVALID']],
    ['user_agent not a string', { ...valid(), user_agent: 1 }, ['user_agent VALUE_INVALID']],
    ['events missing', { client_id: '1.2' }, ['events VALUE_REQUIRED']],
    ['events not an array', { ...valid(), events: {} }, ['events VALUE_INVALID']],
    ['no events', { ...valid(), events: [] }, ['events VALUE_REQUIRED']],
    ['26 events', { ...valid(), events: Array.from({ length: 26 }, () => ({ name: 'page_view' })) }, ['events EXCEEDED_MAX_ENTITIES']],
    ['event not an object', { ...valid(), events: ['page_view'] }, ['events[0] VALUE_INVALID']],
    ['event without a name', withEvent({ params: {} }), ['events[0].name VALUE_REQUIRED']],
    ['event name not a string', withEvent({ name: 3 }), ['events[0].name VALUE_INVALID']],
    // Google's own example: "Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character."
    ['event name starting with _', withEvent({ name: '_badEventName' }), ['events[0].name NAME_INVALID']],
    ['event name with a dash', withEvent({ name: 'bad-name' }), ['events[0].name NAME_INVALID']],
    ['event name over 40 characters', withEvent({ name: 'e'.repeat(41) }), ['events[0].name NAME_INVALID']],
    ['reserved event name', withEvent({ name: 'session_start' }), ['events[0].name NAME_RESERVED']],
    ['reserved event prefix', withEvent({ name: 'firebase_x' }), ['events[0].name NAME_RESERVED']],
    ['web-only reserved event name', withEvent({ name: 'screen_view' }), ['events[0].name NAME_RESERVED']],
    ['event timestamp out of range', withEvent({ name: 'page_view', timestamp_micros: 1 }), ['events[0].timestamp_micros VALUE_INVALID']],
    ['params not an object', withEvent({ name: 'page_view', params: [] }), ['events[0].params VALUE_INVALID']],
    ['26 params', withParams(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i]))), ['events[0].params EXCEEDED_MAX_ENTITIES']],
    ['param name invalid', withParams({ 'bad name': 1 }), ['events[0].params.bad name NAME_INVALID']],
    ['param name over 40 characters', withParams({ ['p'.repeat(41)]: 1 }), [`events[0].params.${'p'.repeat(41)} NAME_INVALID`]],
    ['reserved param name', withParams({ firebase_conversion: 1 }), ['events[0].params.firebase_conversion NAME_RESERVED']],
    ['reserved param prefix _', withParams({ _x: 1 }), ['events[0].params._x NAME_RESERVED']],
    ['reserved param prefix ga_', withParams({ ga_x: 1 }), ['events[0].params.ga_x NAME_RESERVED']],
    ['reserved param prefix google_', withParams({ google_x: 1 }), ['events[0].params.google_x NAME_RESERVED']],
    ['param value over 100 characters', withParams({ note: 'x'.repeat(101) }), ['events[0].params.note VALUE_OUT_OF_BOUNDS']],
    ['page_location over 1000 characters', withParams({ page_location: 'x'.repeat(1001) }), ['events[0].params.page_location VALUE_OUT_OF_BOUNDS']],
    ['page_title over 300 characters', withParams({ page_title: 'x'.repeat(301) }), ['events[0].params.page_title VALUE_OUT_OF_BOUNDS']],
    ['page_referrer over 420 characters', withParams({ page_referrer: 'x'.repeat(421) }), ['events[0].params.page_referrer VALUE_OUT_OF_BOUNDS']],
    ['param value an object', withParams({ nested: { a: 1 } }), ['events[0].params.nested VALUE_INVALID']],
    ['param value a boolean', withParams({ flag: true }), ['events[0].params.flag VALUE_INVALID']],
    ['param value null', withParams({ gone: null }), ['events[0].params.gone VALUE_INVALID']],
    ['items not an array', withParams({ items: 'x' }), ['events[0].params.items VALUE_INVALID']],
    ['item with a bad param', withParams({ items: [{ item_id: 'a', _p: 1 }] }), ['events[0].params.items[0]._p NAME_RESERVED']],
    ['item value too long', withParams({ items: [{ item_name: 'n'.repeat(101) }] }), ['events[0].params.items[0].item_name VALUE_OUT_OF_BOUNDS']],
    ['item with 28 params', withParams({ items: [Object.fromEntries(Array.from({ length: 28 }, (_, i) => [`p${i}`, i]))] }), ['events[0].params.items[0] EXCEEDED_MAX_ENTITIES']],
    ['user_properties not an object', { ...valid(), user_properties: [] }, ['user_properties VALUE_INVALID']],
    ['26 user properties', { ...valid(), user_properties: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`u${i}`, { value: 1 }])) }, ['user_properties EXCEEDED_MAX_ENTITIES']],
    ['user property name over 24 characters', { ...valid(), user_properties: { ['u'.repeat(25)]: { value: 1 } } }, [`user_properties.${'u'.repeat(25)} NAME_INVALID`]],
    ['reserved user property', { ...valid(), user_properties: { first_open_time: { value: 1 } } }, ['user_properties.first_open_time NAME_RESERVED']],
    ['reserved user property prefix', { ...valid(), user_properties: { google_x: { value: 1 } } }, ['user_properties.google_x NAME_RESERVED']],
    ['user property value over 36 characters', { ...valid(), user_properties: { tier: { value: 'g'.repeat(37) } } }, ['user_properties.tier.value VALUE_OUT_OF_BOUNDS']],
    ['user property without value', { ...valid(), user_properties: { tier: {} } }, ['user_properties.tier.value VALUE_REQUIRED']],
    ['user property not an object', { ...valid(), user_properties: { tier: 'gold' } }, ['user_properties.tier VALUE_INVALID']],
    ['duplicate param', '{"client_id":"1.2","events":[{"name":"page_view","params":{"a":1,"a":2}}]}', ['events[0].params.a NAME_DUPLICATED']],
    ['duplicate top-level field', '{"client_id":"1.2","client_id":"1.3","events":[{"name":"page_view"}]}', ['client_id NAME_DUPLICATED']],
    ['invalid JSON', '{"client_id":', [' VALUE_INVALID']],
    ['not an object', '[1,2]', [' VALUE_INVALID']],
    ['body over 130 000 bytes', { ...valid(), user_agent: 'a'.repeat(130_001) }, [' VALUE_OUT_OF_BOUNDS']],
  ];

  for (const [name, payload, expected] of cases) {
    it(name, () => assert.deepEqual(codes(payload), expected));
  }

  it('uses only Google\'s seven codes, all of them', () => {
    const seen = new Set(cases.flatMap(([, payload]) => validateGa4(payload, { nowMs: NOW }).validationMessages.map((m) => m.validationCode)));
    assert.deepEqual([...seen].sort(), [...GA4_VALIDATION_CODES].sort());
  });

  it('describes the problem in Google\'s words where Google has some', () => {
    const [message] = validateGa4(withEvent({ name: '_badEventName' }), { nowMs: NOW }).validationMessages;
    assert.equal(message?.description, 'Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.');
    const [missing] = validateGa4({ events: [] }, { nowMs: NOW }).validationMessages;
    assert.deepEqual(missing, { fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  });
});

describe('validateGa4: never throws', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  let deep = '1';
  for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
  const hostile: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'hello'],
    ['an array', []],
    ['a cycle', cyclic],
    ['a BigInt', { client_id: 1n }],
    ['a throwing getter', { get client_id() { throw new Error('nope'); } }],
    ['100 000 levels of nesting', `{"client_id":"1.2","events":${deep}}`],
    ['nesting as an object', JSON.parse('[[[[[[[[[[1]]]]]]]]]]')],
    ['a 2 MB body', `{"client_id":"${'1'.repeat(2_000_000)}"}`],
    ['a lone surrogate', '{"client_id":"1.2","events":[{"name":"\uD800"}]}'],
    ['a function', () => 1],
  ];
  for (const [name, payload] of hostile) {
    it(name, () => {
      const result = validateGa4(payload, { nowMs: NOW });
      assert.ok(Array.isArray(result.validationMessages));
      assert.ok(result.validationMessages.length > 0, 'each is invalid');
    });
  }
});

describe('validateGa4 behaviours', () => {
  const HOUR = 3_600_000;
  const lenient = (): Record<string, unknown> => ({
    client_id: '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b',
    timestamp_micros: (NOW - 100 * HOUR) * 1000,
    user_id: 'u'.repeat(257),
    events: [{ name: 'page_view', params: { page_title: 'T'.repeat(301), logged_in: true, ['n'.repeat(41)]: 1, ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`p${i}`, i])) } }],
  });
  const found = (payload: unknown, behavior?: 'RELAXED' | 'ENFORCE_RECOMMENDATIONS' | 'payload'): string[] =>
    validateGa4(payload, behavior === undefined ? { nowMs: NOW } : { nowMs: NOW, behavior }).validationMessages.map((m) => `${m.fieldPath} ${m.validationCode}`).sort();
  const strict = [
    'client_id VALUE_INVALID', 'events[0].params EXCEEDED_MAX_ENTITIES', `events[0].params.${'n'.repeat(41)} NAME_INVALID`,
    'events[0].params.logged_in VALUE_INVALID', 'events[0].params.page_title VALUE_OUT_OF_BOUNDS', 'timestamp_micros VALUE_INVALID', 'user_id VALUE_OUT_OF_BOUNDS',
  ].sort();

  it('keeps ENFORCE_RECOMMENDATIONS by default (the library\'s payloads must pass it), and with behavior ENFORCE_RECOMMENDATIONS', () => {
    assert.deepEqual(found(lenient()), strict);
    assert.deepEqual(found({ ...lenient(), validation_behavior: 'RELAXED' }), strict);
    assert.deepEqual(found(lenient(), 'ENFORCE_RECOMMENDATIONS'), strict);
  });

  it('RELAXED reports none of what Google processes, but still malformed requests and bad names', () => {
    assert.deepEqual(found(lenient(), 'RELAXED'), []);
    assert.deepEqual(found({ client_id: 1, events: [{ name: 'session_start', params: { _x: 1 } }] }, 'RELAXED'), [
      'client_id VALUE_INVALID', 'events[0].name NAME_RESERVED', 'events[0].params._x NAME_RESERVED',
    ]);
  });

  it('payload reads the body\'s validation_behavior: RELAXED when absent, an unknown one reported and read as RELAXED', () => {
    assert.deepEqual(found(lenient(), 'payload'), []);
    assert.deepEqual(found({ ...lenient(), validation_behavior: 'ENFORCE_RECOMMENDATIONS' }, 'payload'), strict);
    assert.deepEqual(found({ ...lenient(), validation_behavior: 'STRICT' }, 'payload'), ['validation_behavior VALUE_INVALID']);
  });
});
