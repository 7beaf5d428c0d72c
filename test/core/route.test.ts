import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeRoute, templateFromPath } from '../../src/core/route.js';

describe('normalizeRoute', () => {
  it('keeps a template and tidies slashes', () => {
    assert.equal(normalizeRoute('/v1/users/:id'), '/v1/users/:id');
    assert.equal(normalizeRoute('v1//users/:id/'), '/v1/users/:id');
    assert.equal(normalizeRoute('/'), '/');
  });

  it('drops parameter patterns of Express 4 and Hono', () => {
    assert.equal(normalizeRoute('/users/:id(\\d+)'), '/users/:id');
    assert.equal(normalizeRoute('/users/:id{[0-9]+}/posts'), '/users/:id/posts');
  });

  it('puts null and empty routes in the one unmatched bucket', () => {
    assert.equal(normalizeRoute(null), '(unmatched)');
    assert.equal(normalizeRoute(''), '(unmatched)');
  });

  it('removes control characters and cuts long templates', () => {
    assert.equal(normalizeRoute('/a\u0000b\nc'), '/abc');
    assert.equal(normalizeRoute(`/${'x'.repeat(500)}`).length, 200);
  });
});

describe('templateFromPath', () => {
  it('turns id-like segments into :id', () => {
    assert.equal(templateFromPath('/v1/users/42'), '/v1/users/:id');
    assert.equal(templateFromPath('/v1/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items'), '/v1/orders/:id/items');
    assert.equal(templateFromPath('/files/deadbeefcafe1234'), '/files/:id');
    assert.equal(templateFromPath('/tokens/aB3dE5gH7jK9mN1pQ'), '/tokens/:id');
    assert.equal(templateFromPath('/people/ann%40example.com'), '/people/:id');
  });

  it('keeps word segments', () => {
    assert.equal(templateFromPath('/v1/reports/monthly-summary'), '/v1/reports/monthly-summary');
  });

  it('bounds the number of segments', () => {
    const deep = `/${Array.from({ length: 40 }, (_, i) => `s${String.fromCharCode(97 + (i % 26))}`).join('/')}`;
    const template = templateFromPath(deep);
    assert.equal(template.split('/').length, 14);
    assert.ok(template.endsWith('/*'));
  });

  it('survives invalid escapes', () => {
    assert.equal(templateFromPath('/a/%E0%A4%A/b'), '/a/%E0%A4%A/b');
  });
});
