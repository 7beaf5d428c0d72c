// Footfall's dashboard: reads the collector's /api/* and draws totals, the endpoints table,
// the never-called routes, a chart of hits over time (uPlot) and the recent hits.
// Every value from the network goes into the page through textContent, never as HTML.

const REFRESH_MS = 5000;
const TOP_SERIES = 8;
const MAX_GRID_BUCKETS = 3000;
const RANGE_MS = { '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 };
/** Chart buckets per range: 15 to 50 points read better than the API's default of up to 300. */
const CHART_BUCKET = { '15m': '1m', '1h': '5m', '24h': '30m', '7d': '6h', '30d': '1d' };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
const TOKEN_KEY = 'footfall.token';

const $ = (selector) => document.querySelector(selector);
const PRESETS = ['15m', '1h', '24h', '7d', '30d'];
const state = {
  range: initialRange(),
  /** No range was chosen (none in the URL or kept): each refresh fits the range to the data. */
  auto: initialRange() === null,
  sort: { key: 'hits', dir: 'descending' },
  filter: '',
  live: readSetting('footfall.live', 'on') === 'on',
  token: takeToken(),
  report: null,
  chart: null,
  chartKey: '',
  latest: 0,
  busy: false,
  timer: undefined,
};

// ---- token and settings ----------------------------------------------------------------

/** Moves `#token=...` from the address bar into sessionStorage, and returns the token in use. */
function takeToken() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash !== null) {
    history.replaceState(null, '', location.pathname + location.search);
    if (fromHash !== '') writeSession(fromHash);
    return fromHash || readSession();
  }
  return readSession();
}

function readSession() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}

function writeSession(token) {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch { /* storage disabled: the token lives until reload */ }
}

function readSetting(key, fallback) {
  try { return localStorage.getItem(key) ?? fallback; } catch { return fallback; }
}

function writeSetting(key, value) {
  try { localStorage.setItem(key, value); } catch { /* not kept */ }
}

/** The range in the URL or kept from last time; null when none was chosen. */
function initialRange() {
  const asked = new URLSearchParams(location.search).get('range') ?? readSetting('footfall.range', null);
  return asked !== null && (asked in RANGE_MS || asked === 'all') ? asked : null;
}

/** The smallest preset range that holds every stored hit (15 min when there are none yet). */
function fittedRange(status) {
  if (status.firstHitMs === null || status.firstHitMs === undefined) return PRESETS[0];
  const span = status.nowMs - status.firstHitMs;
  return PRESETS.find((range) => RANGE_MS[range] >= span) ?? 'all';
}

// ---- formatting ------------------------------------------------------------------------

const intFormat = new Intl.NumberFormat(undefined);
const pctFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const msFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const formatInt = (n) => intFormat.format(n);
const formatPct = (rate) => (rate > 0 && rate < 0.001 ? `< ${pctFormat.format(0.001)}` : pctFormat.format(rate));

function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${msFormat.format(ms)} ms` : `${msFormat.format(ms / 1000)} s`;
}

function formatTime(ms) {
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

// ---- the API ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
  const search = query.toString();
  const response = await fetch(search ? `${path}?${search}` : path, { headers, cache: 'no-store' });
  if (!response.ok) throw new HttpError(response.status, `${path} answered ${response.status}: ${await errorText(response)}`);
  return response.json();
}

async function errorText(response) {
  const text = (await response.text().catch(() => '')).slice(0, 300);
  try {
    const body = JSON.parse(text);
    return String(body.error?.message ?? body.message ?? body.error ?? text);
  } catch {
    return text || response.statusText;
  }
}

async function refresh() {
  const ticket = ++state.latest;
  state.busy = true;
  try {
    const status = await api('/api/status');
    if (ticket !== state.latest) return;
    if (state.auto) showRange(fittedRange(status));
    const since = state.range === 'all' ? undefined : state.range;
    const [report, timeseries, recent] = await Promise.all([
      api('/api/endpoints', { since }),
      api('/api/timeseries', { since, bucket: CHART_BUCKET[state.range] }),
      api('/api/hits', { limit: '50' }),
    ]);
    if (ticket !== state.latest) return;
    state.report = report;
    renderTotals(report, status);
    renderRetention(status, report);
    renderEndpoints();
    renderUnused(report);
    renderChart(timeseries, report);
    renderHits(recent.hits);
    setStatus('ok', `Updated ${timeFormat.format(new Date())} · ${state.live ? 'live, every 5 s' : 'live refresh off'}`);
  } catch (error) {
    if (ticket === state.latest) showError(error);
  } finally {
    if (ticket === state.latest) state.busy = false;
  }
}

function showError(error) {
  if (error instanceof HttpError && error.status === 401) {
    const refused = Boolean(state.token);
    state.token = null;
    writeSession(null);
    clearData();
    const open = `${location.origin}${location.pathname}#token=YOUR_TOKEN`;
    setStatus('unauthorized', `${refused ? 'The token was refused (401).' : 'This collector needs a token (401).'} Open the dashboard as ${open}, with the token the collector was started with (--token or FOOTFALL_COLLECTOR_TOKEN).`);
    return;
  }
  const reason = error instanceof HttpError ? error.message : `cannot reach the collector (${error.message})`;
  setStatus('error', `Could not refresh: ${reason}. ${state.report ? 'Showing the last data.' : ''}`.trim());
}

function setStatus(kind, text) {
  const status = $('#status');
  status.dataset.state = kind;
  status.textContent = text;
}

// ---- rendering -------------------------------------------------------------------------

function element(tag, attributes = {}, text) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

function renderTotals(report, status) {
  $('#version').textContent = `v${status.version} · ${status.storage === 'file' ? 'SQLite file' : 'in memory'}`;
  $('[data-total="hits"]').textContent = formatInt(report.hits);
  $('[data-total="consumers"]').textContent = formatInt(report.clients);
  $('[data-total="endpoints"]').textContent = formatInt(report.endpoints.length);
  $('[data-total="declared"]').textContent = report.declared > 0
    ? `${formatInt(report.declared - report.unused.length)} / ${formatInt(report.declared)}`
    : 'none declared';
}

/** After retention pruned raw hits: from when they exist, and what older figures come from. */
function renderRetention(status, report) {
  const note = $('#retention');
  const since = status.rawSinceMs;
  note.hidden = since === null || since === undefined;
  if (note.hidden) return void (note.textContent = '');
  note.dataset.rawSince = String(since);
  const kept = status.retainDays ? ` (raw hits kept ${status.retainDays} day${status.retainDays === 1 ? '' : 's'})` : '';
  const partial = report.rawDetail?.partial ? ' This range starts inside an hour before then: those minutes are not counted.' : '';
  note.textContent = `Raw detail since ${dateTimeFormat.format(new Date(since))}; older figures from hourly rollups${kept}. Recent hits list only what is kept.${partial}`;
}

const SORT_VALUE = {
  method: (e) => e.method, route: (e) => e.route, hits: (e) => e.hits, consumers: (e) => e.clients,
  errorRate: (e) => e.errorRate, clientErrors: (e) => e.clientErrors, p50: (e) => e.p50Ms, p95: (e) => e.p95Ms,
  firstSeen: (e) => e.firstSeenMs, lastSeen: (e) => e.lastSeenMs,
};

function compareEndpoints(a, b) {
  const value = SORT_VALUE[state.sort.key];
  const [x, y] = [value(a), value(b)];
  const sign = state.sort.dir === 'ascending' ? 1 : -1;
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // unknown durations last
  const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
  return order * sign || b.hits - a.hits || a.route.localeCompare(b.route) || a.method.localeCompare(b.method);
}

function renderEndpoints() {
  const report = state.report;
  if (report === null) return;
  const needle = state.filter.trim().toLowerCase();
  const rows = report.endpoints
    .filter((e) => needle === '' || `${e.method} ${e.route}`.toLowerCase().includes(needle))
    .sort(compareEndpoints)
    .map((e) => endpointRow(e, report.declared > 0));
  $('#endpoints tbody').replaceChildren(...rows);
  $('#endpoints-count').textContent = needle ? `${rows.length} of ${report.endpoints.length}` : `${report.endpoints.length}`;
  const empty = $('#endpoints-empty');
  empty.hidden = rows.length > 0;
  empty.textContent = report.endpoints.length === 0 ? 'No hits in this range.' : `No endpoint matches “${state.filter.trim()}”.`;
}

function endpointRow(e, haveInventory) {
  const row = element('tr', { 'data-route': e.route, 'data-method': e.method, 'data-declared': String(e.declared) });
  const cell = (col, value, text, className) => row.append(element('td', { 'data-col': col, 'data-value': value ?? '', class: className }, text));
  row.append(methodCell(e.method));
  const route = element('td', { 'data-col': 'route', 'data-value': e.route });
  route.append(element('code', {}, e.route));
  if (haveInventory && !e.declared) route.append(' ', element('span', { class: 'badge', title: 'Called, but not in the declared routes' }, 'not declared'));
  row.append(route);
  cell('hits', e.hits, formatInt(e.hits), 'num');
  cell('consumers', e.clients, formatInt(e.clients), 'num');
  cell('errorRate', e.errorRate, formatPct(e.errorRate), e.errorRate > 0 ? 'num bad' : 'num');
  cell('clientErrors', e.clientErrors, formatInt(e.clientErrors), 'num');
  cell('p50', e.p50Ms, formatMs(e.p50Ms), 'num');
  cell('p95', e.p95Ms, formatMs(e.p95Ms), 'num');
  cell('firstSeen', e.firstSeenMs, formatTime(e.firstSeenMs));
  cell('lastSeen', e.lastSeenMs, formatTime(e.lastSeenMs));
  return row;
}

function methodCell(method) {
  const td = element('td', { 'data-col': 'method', 'data-value': method });
  td.append(element('span', { class: `method method-${method.toLowerCase()}` }, method));
  return td;
}

function renderUnused(report) {
  const items = [...report.unused]
    .sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method))
    .map((r) => {
      const li = element('li', { 'data-route': r.route, 'data-method': r.method });
      li.append(element('span', { class: `method method-${r.method.toLowerCase()}` }, r.method), ' ', element('code', {}, r.route));
      return li;
    });
  $('#unused').replaceChildren(...items);
  $('#unused-count').textContent = report.declared > 0 ? `${report.unused.length} of ${report.declared} declared` : '';
  $('#unused-hint').hidden = report.declared > 0;
  $('#unused-note').textContent = report.declared === 0 ? ''
    : report.unused.length === 0 ? 'Every declared endpoint was called in this range.' : 'Declared but never called in this range.';
}

function renderHits(hits) {
  const rows = hits.map((hit) => {
    const row = element('tr', { 'data-id': hit.id, 'data-time': hit.timeMs, 'data-route': hit.route, 'data-method': hit.method });
    const status = hit.status === undefined ? '' : hit.status >= 500 ? 'num bad' : hit.status >= 400 ? 'num warn' : 'num';
    row.append(
      element('td', { title: new Date(hit.timeMs).toISOString() }, formatTime(hit.timeMs)),
      methodCell(hit.method),
      element('td', { 'data-col': 'route' }, hit.route),
      element('td', { class: status }, hit.status === undefined ? '–' : String(hit.status)),
      element('td', { class: 'num' }, formatMs(hit.durationMs)),
      element('td', { class: 'client', title: hit.client }, hit.clientAlias ?? hit.client),
    );
    return row;
  });
  $('#hits tbody').replaceChildren(...rows);
  $('#hits-empty').hidden = rows.length > 0;
}

function clearData() {
  state.report = null;
  for (const selector of ['#endpoints tbody', '#unused', '#hits tbody']) $(selector).replaceChildren();
  for (const dd of document.querySelectorAll('[data-total]')) dd.textContent = '–';
  destroyChart();
}

// ---- the chart -------------------------------------------------------------------------

/** uPlot's columns: bucket starts in seconds, then one column per endpoint, gaps filled with 0. */
function chartData(timeseries, report, top) {
  const bucketMs = timeseries.bucketMs;
  const times = new Set(top.flatMap((s) => s.points.map(([t]) => t)));
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted.at(-1);
  const sinceMs = report.range.sinceMs;
  const endMs = report.range.untilMs ?? (sinceMs === undefined ? last : Math.min(Date.now(), sinceMs + (RANGE_MS[state.range] ?? 0)));
  const from = sinceMs === undefined ? first : first - Math.floor((first - sinceMs) / bucketMs) * bucketMs;
  const to = Math.max(last, endMs - bucketMs);
  if ((to - from) / bucketMs <= MAX_GRID_BUCKETS) for (let t = from; t <= to; t += bucketMs) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const columns = top.map((s) => {
    const counts = new Map(s.points);
    return xs.map((t) => counts.get(t) ?? 0);
  });
  return [xs.map((t) => t / 1000), ...columns];
}

function renderChart(timeseries, report) {
  const top = timeseries.series
    .map((s) => ({ ...s, total: s.points.reduce((sum, [, n]) => sum + n, 0) }))
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.route.localeCompare(b.route))
    .slice(0, TOP_SERIES);
  const box = $('#chart');
  $('#chart-empty').hidden = top.length > 0;
  $('#chart-note').textContent = top.length === 0 ? ''
    : `· top ${top.length} of ${timeseries.series.length} endpoints, ${bucketLabel(timeseries.bucketMs)} buckets${state.auto ? ' · range fitted to the data' : ''}`;
  if (top.length === 0) return destroyChart();
  const data = chartData(timeseries, report, top);
  const key = top.map((s) => `${s.method} ${s.route}`).join('\n');
  if (state.chart !== null && state.chartKey === key) return state.chart.setData(data);
  destroyChart();
  state.chartKey = key;
  state.chart = new uPlot(chartOptions(top, box), data, box);
  box.dataset.series = String(top.length);
}

function bucketLabel(ms) {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function chartOptions(top, box) {
  return {
    width: Math.max(box.clientWidth, 300),
    height: 260,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [{}, { values: (u, ticks) => ticks.map((v) => (Number.isInteger(v) ? formatInt(v) : '')) }],
    series: [
      { value: (u, v) => (v === null ? '–' : formatTime(v * 1000)) },
      ...top.map((s, i) => ({
        label: `${s.method} ${s.route}`,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        points: { show: false },
        value: (u, v) => (v === null ? '–' : formatInt(v)),
      })),
    ],
  };
}

function destroyChart() {
  state.chart?.destroy();
  state.chart = null;
  state.chartKey = '';
  delete $('#chart').dataset.series;
}

// ---- controls --------------------------------------------------------------------------

/** A range chosen by hand: kept (setting and URL), and the fitting to the data stops. */
function setRange(range) {
  state.auto = false;
  showRange(range);
  writeSetting('footfall.range', range);
  const url = new URL(location.href);
  url.searchParams.set('range', range);
  history.replaceState(null, '', url.pathname + url.search);
}

function showRange(range) {
  state.range = range;
  for (const button of document.querySelectorAll('#range button')) button.setAttribute('aria-pressed', String(button.dataset.range === range));
}

function setSort(key) {
  const numeric = key !== 'method' && key !== 'route';
  const same = state.sort.key === key;
  state.sort = { key, dir: same ? (state.sort.dir === 'ascending' ? 'descending' : 'ascending') : numeric ? 'descending' : 'ascending' };
  for (const th of document.querySelectorAll('#endpoints th[data-sort]')) th.setAttribute('aria-sort', th.dataset.sort === key ? state.sort.dir : 'none');
  renderEndpoints();
}

function setLive(on) {
  state.live = on;
  writeSetting('footfall.live', on ? 'on' : 'off');
  clearInterval(state.timer);
  state.timer = on ? setInterval(() => { if (!document.hidden && !state.busy) refresh(); }, REFRESH_MS) : undefined;
}

function start() {
  if (state.auto) showRange(PRESETS[0]);
  else setRange(state.range);
  $('#live').checked = state.live;
  setLive(state.live);
  $('#range').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-range]');
    if (button === null) return;
    setRange(button.dataset.range);
    refresh();
  });
  $('#endpoints thead').addEventListener('click', (event) => {
    const th = event.target.closest('th[data-sort]');
    if (th !== null) setSort(th.dataset.sort);
  });
  $('#filter').addEventListener('input', (event) => {
    state.filter = event.target.value;
    renderEndpoints();
  });
  $('#live').addEventListener('change', (event) => {
    setLive(event.target.checked);
    if (state.live) refresh();
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && state.live) refresh(); });
  window.addEventListener('hashchange', () => {
    state.token = takeToken();
    refresh();
  });
  new ResizeObserver(() => state.chart?.setSize({ width: Math.max($('#chart').clientWidth, 300), height: 260 })).observe($('#chart'));
  refresh();
}

start();
