import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { truncateIp } from '../../src/privacy/ip.js';
import { createKeyedHasher, utcDay } from '../../src/privacy/hash.js';

describe('truncateIp', () => {
  it('keeps the /24 of an IPv4 address', () => {
    assert.equal(truncateIp('203.0.113.9'), '203.0.113.0');
    assert.equal(truncateIp('::ffff:198.51.100.23'), '198.51.100.0');
  });

  it('keeps the /48 of an IPv6 address', () => {
    assert.equal(truncateIp('2001:db8:4:1::42'), '2001:db8:4::');
    assert.equal(truncateIp('2001:0DB8:0004:0001:0000:0000:0000:0042'), '2001:db8:4::');
    assert.equal(truncateIp('fe80::1%eth0'), 'fe80:0:0::');
    assert.equal(truncateIp('::1'), '0:0:0::');
  });

  it('returns an empty string for anything that is not an address', () => {
    for (const value of [undefined, '', 'localhost', '1.2.3', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'x'.repeat(100)]) {
      assert.equal(truncateIp(value), '', String(value));
    }
  });
});

describe('createKeyedHasher', () => {
  it('is keyed: same key and purpose agree, another key or purpose does not', () => {
    const a = createKeyedHasher('key-one-0123456789');
    const b = createKeyedHasher('key-one-0123456789');
    const c = createKeyedHasher('key-two-0123456789');
    assert.equal(a.hex('user', '42'), b.hex('user', '42'));
    assert.notEqual(a.hex('user', '42'), c.hex('user', '42'));
    assert.notEqual(a.hex('user', '42'), a.hex('client', '42'));
    assert.match(a.hex('user', '42'), /^[0-9a-f]{64}$/);
  });

  it('matches HMAC-SHA256 of purpose NUL value (known answer)', () => {
    // printf 'p\x00v' | openssl dgst -sha256 -hmac key
    assert.equal(createKeyedHasher('key').hex('p', 'v'), 'ea73bc8b498cebf6c2b36c14fdcfa8bdddecc7e59434e0e0d8ee69c56a92fc00');
  });

  it('names the UTC day a timestamp falls on', () => {
    assert.equal(utcDay(Date.UTC(2026, 0, 2, 23, 59)), '2026-01-02');
  });
});
