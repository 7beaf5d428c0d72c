import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReport } from '../../src/collector/report-format.js';
import type { EndpointSummary, EndpointsReport } from '../../src/collector/types.js';
import { isFootfallError } from '../../src/errors.js';

const NOW = Date.UTC(2026, 10, 2, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;

function endpoint(method: string, route: string, fields: Partial<EndpointSummary> = {}): EndpointSummary {
  return { method, route, hits: 1, clients: 1, serverErrors: 0, clientErrors: 0, errorRate: 0, p50Ms: null, p95Ms: null, firstSeenMs: NOW - DAY, lastSeenMs: NOW - MIN, declared: true, ...fields };
}

const PLAIN: EndpointsReport = {
  range: { sinceMs: NOW - 30 * DAY },
  endpoints: [
    endpoint('GET', '/v1/items/:itemId', { hits: 1200, clients: 3, serverErrors: 3, clientErrors: 40, errorRate: 0.0025, p50Ms: 4.24, p95Ms: 31.7, lastSeenMs: NOW - 3 * MIN }),
    endpoint('POST', '/v1/items', { hits: 7, clients: 2, serverErrors: 7, errorRate: 1, p50Ms: 120.4, p95Ms: 950, lastSeenMs: NOW - 5 * 3_600_000 }),
    endpoint('GET', '/internal/debug', { hits: 2, declared: false, lastSeenMs: NOW - 40 * DAY }),
  ],
  unused: [{ method: 'DELETE', route: '/v1/items/:itemId' }, { method: 'GET', route: '/v1/reports/legacy' }],
  clients: 4,
  hits: 1209,
  declared: 5,
};

/** Route names arrive from the network: every format must keep them from breaking out. */
const HOSTILE_ROUTES = ['/a,b', '/say "hi"', '/x|y|z', '=cmd|\'/c calc\'!A1', '/line\nbreak\r\n', '/esc\u001b[31mred', '/bidi\u202eevil', '/café/日本/🚀', '+1', '-1', '@SUM(A1)', '/tick`s`'];
const HOSTILE: EndpointsReport = {
  range: { sinceMs: NOW - DAY, untilMs: NOW },
  endpoints: HOSTILE_ROUTES.map((route, i) => endpoint(i === 0 ? 'GET,POST' : 'GET', route, { hits: 100 - i, declared: i % 2 === 0 })),
  unused: [{ method: 'ALL', route: '/un|used,"=x"\n' }],
  clients: 1,
  hits: 1000,
  declared: 7,
};

describe('formatReport: table', () => {
  it('aligns the columns, marks undeclared endpoints, totals, and lists the unused ones', () => {
    assert.equal(formatReport(PLAIN, 'table', { nowMs: NOW }), [
      'Footfall report from 2026-10-03 12:00 UTC to now',
      '',
      'METHOD  ROUTE              HITS  CONSUMERS  5XX RATE  P50 MS  P95 MS  LAST SEEN',
      'GET     /v1/items/:itemId  1200          3      0.3%     4.2      32  3m ago',
      'POST    /v1/items             7          2    100.0%     120     950  5h ago',
      'GET     /internal/debug *     2          1      0.0%       -       -  2026-09-23',
      '* not in the route inventory',
      '',
      '1209 hits from 4 consumers on 3 endpoints (1 not in the route inventory).',
      '',
      'Unused endpoints (2 of 5 declared):',
      '  DELETE  /v1/items/:itemId',
      '  GET     /v1/reports/legacy',
      '',
    ].join('\n'));
  });

  it('says how to get an inventory when there is none, and how many rows --limit hid', () => {
    const text = formatReport({ ...PLAIN, unused: [], declared: 0 }, 'table', { nowMs: NOW, limit: 1 });
    assert.doesNotMatch(text, /Unused endpoints|\*/);
    assert.match(text, /\/v1\/items\/:itemId/);
    assert.doesNotMatch(text, /POST {4}\/v1\/items/);
    assert.match(text, /\.\.\. and 2 more endpoints not shown/);
    assert.match(text, /1209 hits from 4 consumers on 3 endpoints\.\n/);
    assert.match(text, /No route inventory, so unused endpoints are unknown: .*--routes/);
  });

  it('says so when there are no hits, and when nothing declared is unused', () => {
    const text = formatReport({ ...PLAIN, endpoints: [], unused: [], hits: 0, clients: 0 }, 'table', { nowMs: NOW });
    assert.match(text, /No hits in this range\./);
    assert.match(text, /Unused endpoints \(0 of 5 declared\)\.\n$/);
  });

  it('escapes control and bidi characters so a route cannot break a row or restyle the terminal', () => {
    const text = formatReport(HOSTILE, 'table', { nowMs: NOW });
    // eslint-disable-next-line no-control-regex -- the test is that none are left
    assert.doesNotMatch(text, /[\u001b\r\u202e]/);
    const rows = text.split('\n').filter((line) => /^GET/.test(line));
    assert.equal(rows.length, HOSTILE_ROUTES.length);
    assert.ok(rows.some((row) => row.includes('/line\\nbreak\\r\\n')));
    assert.ok(rows.some((row) => row.includes('/esc\\u{1b}[31mred')));
    // Wide characters count two columns: the right-aligned 5XX RATE column ends at the same place in every row.
    const ends = rows.map((row) => columnsBefore(row, /%/));
    assert.equal(new Set(ends).size, 1, rows.join('\n'));
  });

  it('colours only when asked', () => {
    const ESC = '\u001b';
    assert.equal(formatReport(PLAIN, 'table', { nowMs: NOW }).includes(ESC), false);
    const coloured = formatReport(PLAIN, 'table', { nowMs: NOW, color: true });
    assert.ok(coloured.includes(`${ESC}[1mMETHOD`));
    assert.ok(coloured.includes(`${ESC}[33mUnused endpoints`));
  });
});

/** Terminal columns before the first match (wide characters count two). */
function columnsBefore(row: string, pattern: RegExp): number {
  const index = row.search(pattern);
  return [...row.slice(0, index)].reduce((sum, char) => sum + (/[\u3000-\u9fff]|\p{Emoji_Presentation}/u.test(char) ? 2 : 1), 0);
}

describe('formatReport: json', () => {
  it('is the report itself, pretty, keys in the order of types.ts', () => {
    const shuffled = { declared: PLAIN.declared, hits: PLAIN.hits, clients: PLAIN.clients, unused: PLAIN.unused.map((u) => ({ route: u.route, method: u.method })), endpoints: PLAIN.endpoints.map((e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as EndpointSummary), range: PLAIN.range };
    const text = formatReport(shuffled, 'json', { nowMs: NOW });
    assert.deepEqual(JSON.parse(text), PLAIN);
    assert.equal(text, `${JSON.stringify(PLAIN, null, 2)}\n`);
  });

  it('keeps every hostile route exactly, and --limit cuts the endpoints only', () => {
    const parsed = JSON.parse(formatReport(HOSTILE, 'json', { limit: 3 })) as EndpointsReport;
    assert.deepEqual(parsed.endpoints.map((e) => e.route), HOSTILE_ROUTES.slice(0, 3));
    assert.deepEqual(parsed.unused, HOSTILE.unused);
    assert.equal(parsed.hits, 1000);
    assert.deepEqual((JSON.parse(formatReport(HOSTILE, 'json')) as EndpointsReport).endpoints.map((e) => e.route), HOSTILE_ROUTES);
  });
});

describe('formatReport: csv', () => {
  it('has a header, one row per endpoint and per unused route, CRLF line ends, ISO times', () => {
    const text = formatReport(PLAIN, 'csv', { nowMs: NOW });
    assert.equal(text, [
      'status,method,route,hits,consumers,server_errors,client_errors,error_rate,p50_ms,p95_ms,first_seen,last_seen',
      'used,GET,/v1/items/:itemId,1200,3,3,40,0.0025,4.24,31.7,2026-11-01T12:00:00.000Z,2026-11-02T11:57:00.000Z',
      'used,POST,/v1/items,7,2,7,0,1,120.4,950,2026-11-01T12:00:00.000Z,2026-11-02T07:00:00.000Z',
      'undeclared,GET,/internal/debug,2,1,0,0,0,,,2026-11-01T12:00:00.000Z,2026-09-23T12:00:00.000Z',
      'unused,DELETE,/v1/items/:itemId,0,0,0,0,,,,,',
      'unused,GET,/v1/reports/legacy,0,0,0,0,,,,,',
      '',
    ].join('\r\n'));
  });

  it('without an inventory every endpoint with hits is `used`', () => {
    const rows = parseCsv(formatReport({ ...PLAIN, unused: [], declared: 0 }, 'csv'));
    assert.deepEqual(rows.slice(1).map((row) => row[0]), ['used', 'used', 'used']);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and guards fields a spreadsheet would run as formulas', () => {
    const rows = parseCsv(formatReport(HOSTILE, 'csv'));
    assert.equal(rows.length, 1 + HOSTILE_ROUTES.length + 1);
    for (const row of rows) assert.equal(row.length, 12);
    const unguard = (field: string) => (/^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field);
    assert.deepEqual(rows.slice(1, -1).map((row) => unguard(row[2] ?? '')), HOSTILE_ROUTES);
    assert.equal(rows[1]?.[1], 'GET,POST');
    for (const formula of ['=cmd|\'/c calc\'!A1', '+1', '-1', '@SUM(A1)']) assert.ok(rows.some((row) => row[2] === `'${formula}`), formula);
    assert.deepEqual(rows.at(-1)?.slice(0, 4), ['unused', 'ALL', '/un|used,"=x"\n', '0']);
    assert.deepEqual(rows.slice(1, -1).map((row) => row[0]), HOSTILE_ROUTES.map((_, i) => (i % 2 === 0 ? 'used' : 'undeclared')));
  });
});

/** A strict RFC 4180 reader: fails the test on anything a conforming file would not contain. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        assert.ok(quote >= 0, 'unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else {
      const end = text.slice(i).search(/[,\r]/);
      field = text.slice(i, end < 0 ? text.length : i + end);
      assert.doesNotMatch(field, /["\n]/, `unquoted field holds a quote or a line feed: ${JSON.stringify(field)}`);
      i += field.length;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n', 'a record ends with CRLF');
      rows.push(row);
      row = [];
      i += 2;
    }
  }
  return rows;
}

describe('formatReport: markdown', () => {
  it('is a heading, the totals, a table and the unused list', () => {
    assert.equal(formatReport(PLAIN, 'markdown', { nowMs: NOW }), [
      '### Footfall: API endpoint usage',
      '',
      '1209 hits from 4 consumers on 3 endpoints (1 not in the route inventory), from 2026-10-03 12:00 UTC to now.',
      '',
      '| Method | Route | Hits | Consumers | 5xx rate | p50 ms | p95 ms | Last seen |',
      '|---|---|--:|--:|--:|--:|--:|---|',
      '| GET | `/v1/items/:itemId` | 1200 | 3 | 0.3% | 4.2 | 32 | 3m ago |',
      '| POST | `/v1/items` | 7 | 2 | 100.0% | 120 | 950 | 5h ago |',
      '| GET | `/internal/debug` (not declared) | 2 | 1 | 0.0% | - | - | 2026-09-23 |',
      '',
      '**Unused endpoints (2 of 5 declared):**',
      '',
      '- `DELETE /v1/items/:itemId`',
      '- `GET /v1/reports/legacy`',
      '',
    ].join('\n'));
  });

  it('keeps hostile routes inside their cell: pipes escaped, line breaks visible, backticks fenced', () => {
    const text = formatReport(HOSTILE, 'markdown', { nowMs: NOW });
    const rows = text.split('\n').filter((line) => line.startsWith('| GET'));
    assert.equal(rows.length, HOSTILE_ROUTES.length);
    for (const row of rows) assert.equal(row.replace(/\\\|/g, '').split('|').length, 10, row);
    assert.ok(rows.some((row) => row.includes('`/x\\|y\\|z`')));
    assert.ok(rows.some((row) => row.includes('`` /tick`s` ``')));
    assert.ok(rows.some((row) => row.includes('`/line\\nbreak\\r\\n`')));
    assert.match(text, /\| GET,POST \| `\/a,b` \|/);
    assert.match(text, /- `ALL \/un\|used,"=x"\\n`\n$/);
    // eslint-disable-next-line no-control-regex -- the test is that none are left
    assert.doesNotMatch(text, /[\u001b\r\u202e]/);
  });

  it('without an inventory says how to give one', () => {
    const text = formatReport({ ...PLAIN, unused: [], declared: 0 }, 'markdown', { nowMs: NOW });
    assert.doesNotMatch(text, /Unused endpoints/);
    assert.match(text, /\n_No route inventory, so unused endpoints are unknown: .*`footfall report --routes <openapi\.yaml>`.*_\n$/);
  });
});

describe('formatReport: bad options', () => {
  it('refuses an unknown format and a limit below 1', () => {
    const isInvalidOption = (pattern: RegExp) => (error: unknown) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && pattern.test(error.message);
    assert.throws(() => formatReport(PLAIN, 'xml' as never), isInvalidOption(/`format` must be one of table, json, csv, markdown, got "xml"/));
    assert.throws(() => formatReport(PLAIN, 'table', { limit: 0 }), isInvalidOption(/`limit` must be a whole number of at least 1, got 0/));
  });
});
