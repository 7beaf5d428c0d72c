// Issue 13: route inventories read as the tools that wrote them read them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadRoutesFile, parseRoutesDocument } from '../../src/collector/routes-file.js';
import { isFootfallError } from '../../src/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-reading-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

type Route = { method: string; route: string };
const sorted = (routes: Route[]): Route[] => [...routes].sort((a, b) => (a.route === b.route ? a.method.localeCompare(b.method) : a.route < b.route ? -1 : 1));

describe('server variables', () => {
  const doc = (servers: unknown): string => JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, servers, paths: { '/users/{id}': { get: {} } } });

  it('a leading {baseUrl} whose default is a full URL is no path; a path variable takes its default', () => {
    const servers = [{ url: '{baseUrl}/api/{version}', variables: { baseUrl: { default: 'https://api.example.com' }, version: { default: 'v1', enum: ['v1', 'v2'] } } }];
    assert.deepEqual(parseRoutesDocument(doc(servers), 'doc'), [{ method: 'GET', route: '/api/v1/users/:id' }]);
  });

  it('{protocol}://{host} is scheme and host, even without defaults', () => {
    const servers = [{ url: '{protocol}://{host}/v2', variables: { protocol: { default: 'https' }, host: { default: 'example.com' } } }];
    assert.deepEqual(parseRoutesDocument(doc(servers), 'doc'), [{ method: 'GET', route: '/v2/users/:id' }]);
    assert.deepEqual(parseRoutesDocument(doc([{ url: '{scheme}://{host}/v3' }]), 'doc'), [{ method: 'GET', route: '/v3/users/:id' }]);
  });

  it('a leading variable whose default is a path, or only a host, reads as that path', () => {
    assert.deepEqual(parseRoutesDocument(doc([{ url: '{basePath}/users-api', variables: { basePath: { default: '/gateway' } } }]), 'doc'), [{ method: 'GET', route: '/gateway/users-api/users/:id' }]);
    assert.deepEqual(parseRoutesDocument(doc([{ url: '{server}', variables: { server: { default: 'api.example.com/v9' } } }]), 'doc'), [{ method: 'GET', route: '/v9/users/:id' }]);
  });

  it('a leading variable with no default (scheme and host, by its place) adds no path', () => {
    assert.deepEqual(parseRoutesDocument(doc([{ url: '{baseUrl}/api/v1' }]), 'doc'), [{ method: 'GET', route: '/api/v1/users/:id' }]);
  });

  it('several servers: the first one is the prefix', () => {
    const servers = [{ url: 'https://prod.example.com/api' }, { url: 'http://localhost:8080/' }];
    assert.deepEqual(parseRoutesDocument(doc(servers), 'doc'), [{ method: 'GET', route: '/api/users/:id' }]);
  });
});

describe('YAML merge keys, as js-yaml and PyYAML read them', () => {
  it('<<: *anchor brings in every operation of the anchored map; the map\'s own keys win', () => {
    const methods = ['get', 'put', 'delete', 'patch'];
    const yaml = [
      'openapi: 3.0.3',
      'info: { title: merge, version: "1" }',
      'x-common: &common',
      ...methods.map((method) => `  ${method}: { responses: { "200": { description: ok } } }`),
      'paths:',
      '  /a:',
      '    <<: *common',
      '    post: { responses: { "201": { description: made } } }',
      '  /b:',
      '    <<: [*common]',
      '',
    ].join('\n');
    const expected = sorted([
      ...[...methods, 'post'].map((method) => ({ method: method.toUpperCase(), route: '/a' })),
      ...methods.map((method) => ({ method: method.toUpperCase(), route: '/b' })),
    ]);
    assert.deepEqual(loadRoutesFile(file('merge.yaml', yaml)), expected);
  });
});

describe('a key repeated in one YAML map', () => {
  it('is taken as PyYAML takes it: the last one wins', () => {
    const yaml = 'openapi: 3.0.3\npaths:\n  /a: { get: {} }\n  /b: { get: {} }\n  /a: { post: {} }\n';
    assert.deepEqual(parseRoutesDocument(yaml, 'doc'), [{ method: 'POST', route: '/a' }, { method: 'GET', route: '/b' }]);
  });
});

describe('OpenAPI 3.1 without paths', () => {
  it('a webhooks-only 3.1 document is zero routes: webhooks are calls the API makes, not endpoints', () => {
    const yaml = 'openapi: 3.1.0\ninfo: { title: hooks, version: "1" }\nwebhooks:\n  newPet:\n    post: { responses: { "200": { description: ok } } }\n';
    assert.deepEqual(loadRoutesFile(file('hooks.yaml', yaml)), []);
  });

  it('3.0 and Swagger 2.0 without paths are still refused', () => {
    for (const text of ['{"openapi":"3.0.3","info":{"title":"t","version":"1"}}', '{"swagger":"2.0","info":{"title":"t","version":"1"}}']) {
      assert.throws(() => parseRoutesDocument(text, 'doc'), (error: unknown) => isFootfallError(error) && /`paths` is missing/.test(error.message));
    }
  });
});

describe('a big YAML document, generated here', () => {
  it('reads every operation of ~0.6 MB of YAML with anchors and merge keys', () => {
    const count = 2500;
    const lines = ['openapi: 3.0.3', 'info: { title: big, version: "1" }', 'x-ok: &ok', '  responses:', '    "200": { description: ok }', 'paths:'];
    for (let i = 0; i < count; i++) {
      lines.push(`  /things${i}/{id}:`, '    parameters:', '      - { name: id, in: path, required: true, schema: { type: string } }');
      lines.push(`    get:`, `      <<: *ok`, `      operationId: getThing${i}`, `      summary: "Thing ${i}: read it, with its items and their tags"`);
      if (i % 2 === 0) lines.push(`    delete: { operationId: deleteThing${i}, responses: { "204": { description: gone } } }`);
    }
    const text = `${lines.join('\n')}\n`;
    assert.ok(text.length > 500_000, `${text.length} characters`);
    const expected: Route[] = [];
    for (let i = 0; i < count; i++) {
      expected.push({ method: 'GET', route: `/things${i}/:id` });
      if (i % 2 === 0) expected.push({ method: 'DELETE', route: `/things${i}/:id` });
    }
    assert.deepEqual(loadRoutesFile(file('big.yaml', text)), sorted(expected));
  });
});
