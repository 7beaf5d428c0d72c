import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionStore } from '../../src/core/session.js';

const MINUTE = 60_000;

describe('createSessionStore', () => {
  it('keeps a session while the client is active and starts a new one after 30 idle minutes', () => {
    const store = createSessionStore({ idleTimeoutMs: 30 * MINUTE, maxSessions: 10 });
    const t0 = 1_800_000_000_000;
    const first = store.sessionFor('1.1', t0);
    assert.equal(first, t0 / 1000);
    assert.equal(store.sessionFor('1.1', t0 + 29 * MINUTE), first);
    assert.equal(store.sessionFor('1.1', t0 + 58 * MINUTE), first, 'activity extends the session');
    const next = store.sessionFor('1.1', t0 + 89 * MINUTE);
    assert.notEqual(next, first);
    assert.equal(next, (t0 + 89 * MINUTE) / 1000);
  });

  it('tracks clients separately', () => {
    const store = createSessionStore({ idleTimeoutMs: 30 * MINUTE, maxSessions: 10 });
    const a = store.sessionFor('1.1', 1_000_000);
    const b = store.sessionFor('2.2', 1_000_000 + 5 * MINUTE);
    assert.notEqual(a, b);
    assert.equal(store.sessionFor('1.1', 1_000_000 + 6 * MINUTE), a);
  });

  it('never holds more than maxSessions clients (at least half of them), forgetting the least recently seen', () => {
    const store = createSessionStore({ idleTimeoutMs: 30 * MINUTE, maxSessions: 3 });
    const t = 1_000_000_000;
    const first = store.sessionFor('c0', t);
    for (let i = 1; i < 1000; i++) {
      store.sessionFor(`c${i}`, t + i);
      assert.ok(store.size <= 3, `${store.size} clients held`);
    }
    assert.ok(store.size >= 1);
    assert.notEqual(store.sessionFor('c0', t + 2000), first, 'c0 was forgotten and got a new session');
  });

  it('keeps a recently touched client when the map is full', () => {
    const store = createSessionStore({ idleTimeoutMs: 30 * MINUTE, maxSessions: 2 });
    const a = store.sessionFor('a', 1_000_000);
    store.sessionFor('b', 1_000_000 + 2 * MINUTE);
    store.sessionFor('a', 1_000_000 + 4 * MINUTE);
    store.sessionFor('c', 1_000_000 + 6 * MINUTE);
    assert.equal(store.sessionFor('a', 1_000_000 + 8 * MINUTE), a, 'a was touched after b, so b was forgotten');
    assert.notEqual(store.sessionFor('b', 1_000_000 + 9 * MINUTE), 1_000, 'b starts over');
  });
});
