import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { listRoutes } from '../../src/adapters/express/index.js';
import { isFootfallError } from '../../src/errors.js';
import { jsonErrorOffset } from '../../src/collector/json-error-position.js';
import { loadRoutesFile, parseRoutesDocument, parseRoutesInput } from '../../src/collector/routes-file.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-routes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Asserts FOOTFALL_ERR_INVALID_ROUTES_FILE whose message matches every pattern. */
function assertInvalid(run: () => unknown, ...patterns: RegExp[]): void {
  assertCode('FOOTFALL_ERR_INVALID_ROUTES_FILE', run, ...patterns);
}

/** Asserts a FootfallError with `code` whose message matches every pattern. */
function assertCode(code: string, run: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isFootfallError(error), `expected a FootfallError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

describe('loadRoutesFile: OpenAPI documents', () => {
  it('reads OpenAPI 3 JSON: every path times every method, {param} as :param, other keys ignored', () => {
    const path = file('openapi.json', JSON.stringify({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/users': { get: {}, post: {}, parameters: [], summary: 'users' },
        '/users/{userId}/posts/{post-id}': { get: {}, delete: {}, put: {}, patch: {}, head: {}, options: {}, trace: {} },
        'x-internal': { get: {} },
      },
    }));
    assert.deepEqual(loadRoutesFile(path), [
      { method: 'GET', route: '/users' },
      { method: 'POST', route: '/users' },
      ...['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT', 'TRACE'].map((method) => ({ method, route: '/users/:userId/posts/:post-id' })),
    ]);
  });

  it('reads OpenAPI 3 YAML and puts the path of servers[0].url in front, without double slashes', () => {
    const path = file('openapi.yaml', [
      'openapi: 3.1.0',
      'info: { title: shop, version: "1" }',
      'servers:',
      '  - url: https://{region}.api.example.com/v1/',
      '    variables: { region: { default: eu } }',
      '  - url: http://localhost:3000',
      'paths:',
      '  /:',
      '    get: { responses: { "200": { description: ok } } }',
      '  /items/{itemId}:',
      '    $ref: "#/components/pathItems/Item"',
      '    delete: {}',
      'components:',
      '  pathItems:',
      '    Item:',
      '      get: {}',
    ].join('\n'));
    assert.deepEqual(loadRoutesFile(path), [
      { method: 'GET', route: '/v1' },
      { method: 'DELETE', route: '/v1/items/:itemId' },
      { method: 'GET', route: '/v1/items/:itemId' },
    ]);
  });

  it('takes a relative server URL, and turns a templated server path segment into a parameter', () => {
    const doc = (url: string) => JSON.stringify({ openapi: '3.0.0', servers: [{ url }], paths: { '/a': { get: {} } } });
    assert.deepEqual(parseRoutesDocument(doc('/api/v2'), 'relative'), [{ method: 'GET', route: '/api/v2/a' }]);
    assert.deepEqual(parseRoutesDocument(doc('https://api.example.com'), 'host only'), [{ method: 'GET', route: '/a' }]);
    assert.deepEqual(parseRoutesDocument(doc('{scheme}://example.com/{version}/'), 'templated'), [{ method: 'GET', route: '/:version/a' }]);
  });

  it('reads Swagger 2.0 and puts basePath in front', () => {
    const path = file('swagger.yaml', 'swagger: "2.0"\ninfo: { title: t, version: "1" }\nbasePath: /api/\npaths:\n  /pets/{petId}:\n    get: {}\n    post: {}\n');
    assert.deepEqual(loadRoutesFile(path), [{ method: 'GET', route: '/api/pets/:petId' }, { method: 'POST', route: '/api/pets/:petId' }]);
  });
});

describe('loadRoutesFile: JSON lists', () => {
  it('reads what listRoutes(app) returns for a real Express app', () => {
    const app = express();
    const v1 = express.Router();
    v1.get('/users/:id', (_req, res) => void res.end());
    v1.delete('/users/:id', (_req, res) => void res.end());
    v1.post('/users', (_req, res) => void res.end());
    app.use('/v1', v1);
    app.get('/version', (_req, res) => void res.end());
    const listed = listRoutes(app);
    const path = file('list-routes.json', JSON.stringify(listed));
    const expected = [
      { method: 'POST', route: '/v1/users' },
      { method: 'DELETE', route: '/v1/users/:id' },
      { method: 'GET', route: '/v1/users/:id' },
      { method: 'GET', route: '/version' },
    ];
    assert.deepEqual(loadRoutesFile(path), expected);
    assert.deepEqual(parseRoutesInput(listed, 'listRoutes(app)'), expected);
    assert.equal(listed.length, expected.length);
  });

  it('reads strings (method optional: ALL), upper-cases, de-duplicates and sorts by route then method', () => {
    const path = file('strings.json', JSON.stringify(['post /b', '/a', 'GET /b', 'GET  /b', '  get /b ', { method: 'patch', route: '/a' }]));
    assert.deepEqual(loadRoutesFile(path), [
      { method: 'ALL', route: '/a' },
      { method: 'PATCH', route: '/a' },
      { method: 'GET', route: '/b' },
      { method: 'POST', route: '/b' },
    ]);
  });

  it('parseRoutesInput takes already-parsed JSON: a list or {routes: [...]}', () => {
    assert.deepEqual(parseRoutesInput({ routes: ['GET /x'] }, 'body'), [{ method: 'GET', route: '/x' }]);
    assert.deepEqual(parseRoutesInput([], 'body'), []);
  });
});

describe('loadRoutesFile: what it refuses, saying what it expected and what it found', () => {
  it('a missing file, or a directory', () => {
    assertCode('FOOTFALL_ERR_ROUTES_FILE_UNREADABLE', () => loadRoutesFile(join(dir, 'nope.yaml')), /nope\.yaml/, /file not found/);
    mkdirSync(join(dir, 'folder'), { recursive: true });
    assertCode('FOOTFALL_ERR_ROUTES_FILE_UNREADABLE', () => loadRoutesFile(join(dir, 'folder')), /is a directory, expected a file/);
  });

  it('an empty file', () => {
    assertInvalid(() => loadRoutesFile(file('empty.json', ' \n')), /the file is empty; expected an OpenAPI 3 document/);
  });

  it('YAML that does not parse, with its line', () => {
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => loadRoutesFile(file('bad.yaml', 'openapi: 3.0.0\npaths:\n  /a: [1,\n  /b: }\n')), /line 4, column \d+: YAML parse error: /);
  });

  it('a .json file is JSON only: a trailing comma or YAML text, which YAML would take, is refused at its line and column', () => {
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => loadRoutesFile(file('comma.json', '{\n  "routes": ["GET /a"],\n}')), /a \.json file must be JSON: line 3, column 1: JSON parse error: /);
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => loadRoutesFile(file('yaml.JSON', '- GET /a\n- GET /b\n')), /a \.json file must be JSON: line 1, column 2: JSON parse error: /);
    // Where V8's message names no position, Footfall finds it.
    const cases: [string, number][] = [['{"a": 1,}', 8], ['["\\q"]', 2], ['[1] x', 4], ['{"a" 1}', 5], ['[1, 2', 5], ['{"a": [true, null, -1.5e3, "\\u00e9"]}', -1]];
    assert.deepEqual(cases.map(([text]) => jsonErrorOffset(text)), cases.map(([, offset]) => offset));
    // Content that starts with [ or { is JSON only too (issue 13): no YAML attempt after the JSON error.
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => parseRoutesDocument('["GET /a",]', 'not a .json file'), /line 1, column 11: JSON parse error: /);
  });

  it('JSON that does not parse, with its line and column; a file cut short ends early', () => {
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => loadRoutesFile(file('bad.json', '[\n  "GET /a"\n  "GET /b"\n]')), /line 3, column 3: JSON parse error: /);
    assertCode('FOOTFALL_ERR_ROUTES_FILE_SYNTAX', () => loadRoutesFile(file('cut.json', '{\n  "openapi": "3.0.0",\n  "paths": {"/a": {"get": {}}}\n')), /JSON parse error: the file ends early at line 3, column 31/);
  });

  it('an OpenAPI document without paths, or with paths of the wrong type', () => {
    assertInvalid(() => parseRoutesDocument('openapi: 3.0.0\ninfo: {title: t, version: "1"}\n', 'doc'), /`paths` is missing: expected an object/);
    assertInvalid(() => parseRoutesDocument('{"openapi":"3.0.0","paths":["/a"]}', 'doc'), /`paths` is a list, expected an object/);
  });

  it('a path-level $ref it cannot resolve, naming the path', () => {
    const external = JSON.stringify({ openapi: '3.1.0', paths: { '/users/{id}': { $ref: 'users.yaml#/User' } } });
    assertInvalid(() => parseRoutesDocument(external, 'doc'), /path "\/users\/\{id\}" has \$ref "users\.yaml#\/User", which cannot be resolved/, /bundle the document/);
    const dangling = JSON.stringify({ openapi: '3.1.0', paths: { '/users': { $ref: '#/components/pathItems/Nope' } } });
    assertInvalid(() => parseRoutesDocument(dangling, 'doc'), /path "\/users" has \$ref "#\/components\/pathItems\/Nope", which points at nothing/);
    const cycle = JSON.stringify({ openapi: '3.1.0', paths: { '/a': { $ref: '#/paths/~1a' } } });
    assertInvalid(() => parseRoutesDocument(cycle, 'doc'), /\$ref chain longer than 10 hops/);
  });

  it('an OpenAPI version it does not read, and paths with no openapi field', () => {
    assertInvalid(() => parseRoutesDocument('{"openapi":"2.0","paths":{}}', 'doc'), /`openapi` is a string \("2\.0"\), expected a 3\.x version/);
    assertInvalid(() => parseRoutesDocument('{"paths":{"/a":{"get":{}}}}', 'doc'), /found `paths` but no `openapi: 3\.x`/);
    assertInvalid(() => parseRoutesDocument('{"openapi":"3.0.0","servers":[{"uri":"/v1"}],"paths":{}}', 'doc'), /`servers\[0\]\.url` is missing, expected a URL/);
  });

  it('a list item of the wrong type, numbered', () => {
    assertInvalid(() => parseRoutesDocument('["GET /a", "GET /b", "GET /c", 4]', 'list.json'), /item 4 of 4 is a number \(4\), expected a string like "GET \/users\/:id" or an object like \{"method": "GET", "route": "\/users\/:id"\}/);
    assertInvalid(() => parseRoutesInput([{ verb: 'GET', url: '/a' }], 'body'), /item 1 of 1 has no `route` or `path` \(keys: "verb", "url"\)/);
    assertInvalid(() => parseRoutesInput([{ method: 7, route: '/a' }], 'body'), /item 1 of 1 has `method` a number \(7\), expected a string like "GET"/);
  });

  it('unknown methods, and routes that are not paths, have spaces or control characters, or are too long', () => {
    assertInvalid(() => parseRoutesInput(['FETCH /a'], 'body'), /item 1 of 1 has method "FETCH", expected an HTTP method like GET/);
    assertInvalid(() => parseRoutesInput(['GET users'], 'body'), /has route "users", expected a path starting with "\/"/);
    assertInvalid(() => parseRoutesInput(['GET /a b'], 'body'), /item 1 of 1 "GET \/a b" has spaces in its route/);
    assertInvalid(() => parseRoutesInput([{ method: 'GET', route: '/a\u001b[31m' }], 'body'), /contains whitespace or control characters/);
    assertInvalid(() => parseRoutesInput([`/${'a'.repeat(1000)}`], 'body'), /a route of 1001 characters, at most 1000/);
    assertInvalid(() => parseRoutesDocument('{"openapi":"3.0.0","paths":{"/a b":{"get":{}}}}', 'doc'), /path "\/a b" has route "\/a b", which contains whitespace/);
    assertInvalid(() => parseRoutesDocument('{"openapi":"3.0.0","paths":{"users":{"get":{}}}}', 'doc'), /path "users" does not start with "\/"/);
  });

  it('anything else: a scalar, or an object of another shape', () => {
    assertInvalid(() => parseRoutesDocument('just some text', 'notes.txt'), /notes\.txt/, /found a string \("just some text"\); expected an OpenAPI 3 document/);
    assertInvalid(() => parseRoutesInput({ endpoints: [] }, 'body'), /found an object with keys "endpoints": not an OpenAPI or Swagger document .*; expected/);
    assertInvalid(() => parseRoutesInput({ routes: 'GET /a' }, 'body'), /`routes` is a string \("GET \/a"\), expected a list/);
    assertInvalid(() => parseRoutesInput(null, 'body'), /found null; expected/);
  });
});
