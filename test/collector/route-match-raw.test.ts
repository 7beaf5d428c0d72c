import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchInventory, routeShape } from '../../src/collector/route-match.js';
import type { DeclaredRoute } from '../../src/collector/types.js';

/** Routes as the OpenAPI reader writes them: `{name}` becomes `:name`, nothing else changes. */
function fromOpenApi(method: string, path: string): DeclaredRoute {
  return { method, route: path.replace(/\{([^{}/]+)\}/g, ':$1') };
}

const GOOGLE = ['/v2/{name}:pause', '/v2/{name}:purge', '/v2/{name}:resume', '/v2/{name}:run', '/v2/{resource}:getIamPolicy', '/v2/{name}', '/v2/{parent}/queues']
  .map((path) => fromOpenApi('POST', path));

describe('matching rules: custom methods, trailing slashes, dashed and dotted names', () => {
  it('a literal after a parameter stays literal: seven Google Cloud operations keep seven shapes', () => {
    const shapes = new Set(GOOGLE.map((route) => routeShape(route.route)));
    assert.equal(shapes.size, GOOGLE.length);
  });

  it('one hit on :pause marks only the :pause operation used', () => {
    const unused = matchInventory(GOOGLE).unused([{ method: 'POST', route: '/v2/:name:pause' }]);
    assert.deepEqual(unused.map((route) => route.route).sort(), GOOGLE.map((route) => route.route).filter((route) => route !== '/v2/:name:pause').sort());
  });

  it('raw paths reach their custom method; one without a custom method reaches the plain {name}', () => {
    const inventory = matchInventory(GOOGLE);
    // Expected by hand: the segment after /v2/ ends in the literal custom method.
    const cases: [string, string | undefined][] = [
      ['/v2/queue-1:pause', '/v2/:name:pause'],
      ['/v2/queue-1:purge', '/v2/:name:purge'],
      ['/v2/q:getIamPolicy', '/v2/:resource:getIamPolicy'],
      ['/v2/queue-1', '/v2/:name'],
      ['/v2/p/queues', '/v2/:parent/queues'],
      ['/v2/:pause', '/v2/:name'],
      ['/v3/q:pause', undefined],
    ];
    for (const [path, route] of cases) assert.equal(inventory.templateOf('POST', path)?.route, route, path);
  });

  it('trailing slashes: one normalisation for both sides (Django REST Framework ends every path in /)', () => {
    const drf = [fromOpenApi('GET', '/api/tasks/'), fromOpenApi('GET', '/api/tasks/{id}/'), fromOpenApi('POST', '/api/tasks/'), fromOpenApi('GET', '/')];
    const inventory = matchInventory(drf);
    assert.equal(inventory.isDeclared('GET', '/api/tasks'), true);
    assert.equal(inventory.isDeclared('GET', '/api/tasks/:taskId'), true);
    assert.equal(inventory.templateOf('GET', '/api/tasks/12')?.route, '/api/tasks/:id/');
    assert.equal(inventory.templateOf('GET', '/api/tasks/12/')?.route, '/api/tasks/:id/');
    assert.equal(inventory.templateOf('POST', '/api/tasks')?.route, '/api/tasks/');
    assert.equal(inventory.templateOf('GET', '/')?.route, '/');
    assert.deepEqual(inventory.unused([{ method: 'GET', route: '/api/tasks' }, { method: 'GET', route: '/' }]), [{ method: 'POST', route: '/api/tasks/' }, { method: 'GET', route: '/api/tasks/:id/' }]);
  });

  it('parameter names with - or . are one parameter ({enterprise-team}, {file.name}), matched by shape', () => {
    const routes = [fromOpenApi('GET', '/enterprises/{enterprise}/teams/{enterprise-team}'), fromOpenApi('GET', '/files/{file.name}/raw')];
    assert.equal(routeShape(routes[0]?.route ?? ''), routeShape('/enterprises/:e/teams/:team'));
    assert.equal(routeShape(routes[1]?.route ?? ''), routeShape('/files/:f/raw'));
    const inventory = matchInventory(routes);
    assert.equal(inventory.isDeclared('GET', '/enterprises/:id/teams/:id'), true);
    assert.equal(inventory.templateOf('GET', '/enterprises/acme/teams/core-team')?.route, '/enterprises/:enterprise/teams/:enterprise-team');
    assert.equal(inventory.templateOf('GET', '/files/report.pdf/raw')?.route, '/files/:file.name/raw');
    assert.equal(inventory.templateOf('GET', '/files/report.pdf/raw-team'), undefined);
  });
});

describe('raw paths mapped to the most specific declared template', () => {
  const GITHUB = [
    fromOpenApi('GET', '/repos/{owner}/{repo}/issues/{issue_number}'),
    fromOpenApi('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}'),
    fromOpenApi('GET', '/repos/{owner}/{repo}/issues/events'),
    fromOpenApi('GET', '/repos/{owner}/{repo}/issues/events/{event_id}'),
    fromOpenApi('GET', '/repos/{owner}/{repo}/issues'),
    fromOpenApi('GET', '/repos/{owner}/{repo}'),
    fromOpenApi('GET', '/repos/{template_owner}/{template_repo}/generate'),
    fromOpenApi('GET', '/user/repos'),
    fromOpenApi('GET', '/users/{username}/repos'),
  ];

  it('literal segments beat parameters, left to right; the method must match', () => {
    const inventory = matchInventory(GITHUB);
    const cases: [string, string, string | undefined][] = [
      ['GET', '/repos/octo/hello/issues/42', '/repos/:owner/:repo/issues/:issue_number'],
      ['PATCH', '/repos/octo/hello/issues/42', '/repos/:owner/:repo/issues/:issue_number'],
      ['GET', '/repos/octo/hello/issues/events', '/repos/:owner/:repo/issues/events'],
      ['GET', '/repos/octo/hello/issues/events/7', '/repos/:owner/:repo/issues/events/:event_id'],
      ['GET', '/repos/octo/hello/issues', '/repos/:owner/:repo/issues'],
      ['GET', '/repos/octo/hello', '/repos/:owner/:repo'],
      ['GET', '/repos/octo/hello/generate', '/repos/:template_owner/:template_repo/generate'],
      ['GET', '/user/repos', '/user/repos'],
      ['GET', '/users/mona/repos', '/users/:username/repos'],
      ['DELETE', '/repos/octo/hello/issues/42', undefined],
      ['GET', '/repos/octo/hello/pulls/1', undefined],
      // PATCH has no literal /issues/events route: the router falls back to the parameter.
      ['PATCH', '/repos/octo/hello/issues/events', '/repos/:owner/:repo/issues/:issue_number'],
    ];
    for (const [method, path, route] of cases) assert.equal(inventory.templateOf(method, path)?.route, route, `${method} ${path}`);
  });

  it('a method-specific route beats ALL on the same template; a literal ALL route beats a parameter GET', () => {
    const inventory = matchInventory([{ method: 'ALL', route: '/a/:x' }, { method: 'GET', route: '/a/:y' }, { method: 'ALL', route: '/a/me' }]);
    assert.deepEqual(inventory.templateOf('GET', '/a/1'), { method: 'GET', route: '/a/:y' });
    assert.deepEqual(inventory.templateOf('POST', '/a/1'), { method: 'ALL', route: '/a/:x' });
    assert.deepEqual(inventory.templateOf('GET', '/a/me'), { method: 'ALL', route: '/a/me' });
  });

  it('ties between equal shapes are broken by the route text, whatever the declaration order', () => {
    const routes = [{ method: 'GET', route: '/t/:b' }, { method: 'GET', route: '/t/:a' }];
    assert.equal(matchInventory(routes).templateOf('GET', '/t/1')?.route, '/t/:a');
    assert.equal(matchInventory([...routes].reverse()).templateOf('GET', '/t/1')?.route, '/t/:a');
  });

  it('a template recorded by Footfall\'s tracker matches by shape, not as a raw path', () => {
    const inventory = matchInventory(GITHUB);
    assert.deepEqual(inventory.templateOf('GET', '/repos/:owner/:repo/issues/:id'), { method: 'GET', route: '/repos/:owner/:repo/issues/:issue_number' });
  });

  it('optional and rest parameters (Express forms): with and without the segment; rest after everything else', () => {
    const inventory = matchInventory([{ method: 'GET', route: '/docs/:page?' }, { method: 'GET', route: '/files/*' }, { method: 'GET', route: '/files/:id/meta' }, { method: 'GET', route: '/static/:path+' }]);
    const cases: [string, string | undefined][] = [
      ['/docs', '/docs/:page?'],
      ['/docs/intro', '/docs/:page?'],
      ['/docs/intro/more', undefined],
      ['/files/7/meta', '/files/:id/meta'],
      ['/files/7/raw', '/files/*'],
      ['/files', '/files/*'],
      ['/static/css/site.css', '/static/:path+'],
      ['/static', undefined],
    ];
    for (const [path, route] of cases) assert.equal(inventory.templateOf('GET', path)?.route, route, path);
  });

  it('a recorded route that is no path ((unmatched), (event)) matches nothing, even a catch-all', () => {
    const inventory = matchInventory([{ method: 'ALL', route: '/:slug' }, { method: 'ALL', route: '/*' }]);
    assert.equal(inventory.templateOf('GET', '(unmatched)'), undefined);
    assert.equal(inventory.templateOf('GET', '/about')?.route, '/:slug');
  });
});
