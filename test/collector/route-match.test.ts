import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchInventory, routeShape } from '../../src/collector/route-match.js';

describe('route inventory matching', () => {
  it('erases parameter names and modifiers, nothing else', () => {
    assert.equal(routeShape('/v1/users/:id'), '/v1/users/:');
    assert.equal(routeShape('/v1/users/:userId/items/:itemId?'), '/v1/users/:/items/:');
    assert.equal(routeShape('/files/:path*'), '/files/:');
    assert.equal(routeShape('/n/:id(\\d+)'), '/n/:');
    assert.equal(routeShape('/v1/export.csv'), '/v1/export.csv');
    assert.equal(routeShape('(unmatched)'), '(unmatched)');
  });

  it('an OpenAPI {itemId} route matches an Express :id route of the same shape and method', () => {
    const inventory = matchInventory([{ method: 'GET', route: '/items/:itemId' }, { method: 'DELETE', route: '/items/:itemId' }]);
    assert.equal(inventory.isDeclared('GET', '/items/:id'), true);
    assert.equal(inventory.isDeclared('POST', '/items/:id'), false);
    assert.equal(inventory.isDeclared('GET', '/items'), false);
    assert.deepEqual(inventory.unused([{ method: 'GET', route: '/items/:id' }]), [{ method: 'DELETE', route: '/items/:itemId' }]);
  });

  it('ALL is declared for every method and used by any', () => {
    const inventory = matchInventory([{ method: 'ALL', route: '/hooks/:name' }, { method: 'all', route: '/never' }]);
    assert.equal(inventory.isDeclared('PATCH', '/hooks/:hook'), true);
    assert.deepEqual(inventory.unused([{ method: 'POST', route: '/hooks/:x' }]), [{ method: 'ALL', route: '/never' }]);
  });
});
