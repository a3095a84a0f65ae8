// The status page in the browser: one EventSource, uPlot charts fed from it, the health table and
// timeline, the recent traces as a waterfall, and the pin picker. No other network access.
import uPlot from 'uplot';
import type { ChartSpec, SeriesMeta } from '../charts.js';
import type { HealthView } from '../health-tracker.js';
import type { SpanView, TraceView } from '../span-store.js';

interface InitMessage {
  readonly intervalMs: number;
  readonly capacity: number;
  readonly charts: readonly ChartSpec[];
  readonly times: number[];
  readonly series: { readonly meta: SeriesMeta; readonly values: (number | null)[] }[];
}

interface TickMessage {
  readonly t: number;
  readonly v: Readonly<Record<string, number | null>>;
}

interface ChartView {
  readonly id: string;
  readonly el: HTMLElement;
  readonly keys: string[];
  plot: uPlot | undefined;
}

const PALETTE = [
  '#58a6ff',
  '#3fb950',
  '#d29922',
  '#f778ba',
  '#a5d6ff',
  '#ff7b72',
  '#7ee787',
  '#d2a8ff',
  '#ffa657',
  '#79c0ff',
  '#56d4dd',
  '#e3b341',
];

const base = document.body.dataset['base'] ?? '/status';
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

let capacity = 900;
/** The time range shown, in seconds: 1, 5 or 15 minutes (what the server holds at most). */
let rangeSeconds = 900;
let specs = new Map<string, ChartSpec>();
let times: number[] = [];
const values = new Map<string, (number | null)[]>();
const metas = new Map<string, SeriesMeta>();
const charts = new Map<string, ChartView>();
let selectedTrace: string | undefined;
let traces: readonly TraceView[] = [];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function fmt(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return '–';
  const abs = Math.abs(value);
  const text = abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
  return unit ? `${text} ${unit}` : text;
}

function chartTitle(id: string): string {
  if (id.startsWith('pin:')) return id.slice(4);
  const spec = specs.get(id);
  return spec ? `${spec.title}${spec.unit ? ` (${spec.unit})` : ''}` : id;
}

function chartWidth(el: HTMLElement): number {
  return Math.max(280, Math.floor(el.clientWidth || 360) - 10);
}

function buildPlot(view: ChartView): void {
  view.plot?.destroy();
  const unit = metas.get(view.keys[0] ?? '')?.unit ?? '';
  const opts: uPlot.Options = {
    title: chartTitle(view.id),
    width: chartWidth(view.el),
    height: 170,
    // The x axis spans the whole range chosen, even while less history is held.
    scales: { x: { time: true, range: () => xRange() } },
    // Labels only: values show on hover in the cursor's tooltip row, not as a column of dashes.
    legend: { live: false },
    axes: [
      { stroke: '#8a96a3', grid: { stroke: '#222a33' }, ticks: { stroke: '#222a33' } },
      {
        stroke: '#8a96a3',
        grid: { stroke: '#222a33' },
        ticks: { stroke: '#222a33' },
        size: 50,
        values: (_u, splits) => splits.map((v) => fmt(v)),
      },
    ],
    series: [
      {},
      ...view.keys.map((key, i) => ({
        label: metas.get(key)?.label ?? key,
        stroke: PALETTE[i % PALETTE.length]!,
        width: 1.5,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => fmt(v, unit),
      })),
    ],
  };
  view.plot = new uPlot(opts, dataFor(view), view.el);
}

/** The x range shown: the chosen range, ending at the latest sample. */
function xRange(): [number, number] {
  const end = times.length > 0 ? times[times.length - 1]! : Date.now() / 1000;
  return [end - rangeSeconds, end];
}

/** Index of the first sample inside the chosen range. */
function firstInRange(): number {
  const [from] = xRange();
  let i = 0;
  while (i < times.length && times[i]! < from) i++;
  return i;
}

function dataFor(view: ChartView): uPlot.AlignedData {
  const from = firstInRange();
  return [times.slice(from), ...view.keys.map((k) => (values.get(k) ?? []).slice(from))] as uPlot.AlignedData;
}

function chartFor(meta: SeriesMeta): ChartView | undefined {
  let view = charts.get(meta.chart);
  if (!view) {
    const pinned = meta.chart.startsWith('pin:');
    // A chart the server does not list has no family behind it: its series wait, undrawn.
    if (!pinned && !specs.has(meta.chart)) return undefined;
    const el = element('div', 'chart');
    el.dataset['chart'] = meta.chart;
    if (pinned) {
      const unpin = element('button', 'unpin', '×');
      unpin.title = 'unpin';
      unpin.addEventListener('click', () => void unpinSeries(meta.chart.slice(4)));
      el.append(unpin);
    }
    const container = pinned ? $('pins') : $('charts');
    // Keep the built-in charts in their declared order.
    const order = [...specs.keys()];
    const index = order.indexOf(meta.chart);
    const next = pinned ? undefined : [...container.children].find((c) => order.indexOf((c as HTMLElement).dataset['chart'] ?? '') > index);
    container.insertBefore(el, next ?? null);
    view = { id: meta.chart, el, keys: [], plot: undefined };
    charts.set(meta.chart, view);
  }
  return view;
}

function addSeries(meta: SeriesMeta, history?: (number | null)[]): void {
  metas.set(meta.key, meta);
  if (!values.has(meta.key)) values.set(meta.key, history ?? times.map(() => null));
  const view = chartFor(meta);
  if (view && !view.keys.includes(meta.key)) view.keys.push(meta.key);
}

function refresh(view: ChartView): void {
  if (!view.plot || view.plot.series.length !== view.keys.length + 1) buildPlot(view);
  else view.plot.setData(dataFor(view));
  // What the page shows, for people and for tests: points with a value, and the latest one.
  let points = 0;
  let last: number | null = null;
  const from = firstInRange();
  const [xMin, xMax] = xRange();
  view.el.dataset['xMin'] = String(xMin);
  view.el.dataset['xMax'] = String(xMax);
  for (const key of view.keys) {
    const arr = (values.get(key) ?? []).slice(from);
    for (const v of arr) if (v !== null) points++;
    for (let i = arr.length - 1; i >= 0; i--) {
      if (arr[i] !== null) {
        last = arr[i]!;
        break;
      }
    }
  }
  view.el.dataset['points'] = String(points);
  view.el.dataset['last'] = last === null ? '' : String(last);
}

function onInit(msg: InitMessage): void {
  capacity = msg.capacity;
  specs = new Map(msg.charts.map((c) => [c.id, c]));
  for (const view of charts.values()) {
    view.plot?.destroy();
    view.el.remove();
  }
  charts.clear();
  values.clear();
  metas.clear();
  times = [...msg.times];
  for (const s of msg.series) addSeries(s.meta, [...s.values]);
  for (const view of charts.values()) refresh(view);
}

/** The server's list of charts changed (a family appeared): draw the charts it now lists. */
function onCharts(list: readonly ChartSpec[]): void {
  specs = new Map(list.map((c) => [c.id, c]));
  for (const meta of metas.values()) addSeries(meta);
  for (const view of charts.values()) refresh(view);
}

function setRange(seconds: number): void {
  rangeSeconds = seconds;
  const box = $('range');
  box.dataset['range'] = String(seconds);
  for (const b of box.querySelectorAll('button')) b.classList.toggle('selected', b.dataset['range'] === String(seconds));
  $('range-label').textContent = seconds < 120 ? `${seconds / 60} minute` : `${seconds / 60} minutes`;
  for (const view of charts.values()) {
    view.plot?.destroy();
    view.plot = undefined;
    refresh(view);
  }
}

function setupRange(): void {
  const box = $('range');
  box.dataset['range'] = String(rangeSeconds);
  for (const b of box.querySelectorAll('button')) b.addEventListener('click', () => setRange(Number(b.dataset['range'])));
}

function onSeries(list: readonly SeriesMeta[]): void {
  for (const meta of list) addSeries(meta);
}

function onTick(msg: TickMessage): void {
  times.push(msg.t);
  for (const [key, arr] of values) arr.push(msg.v[key] ?? null);
  if (times.length > capacity) {
    const extra = times.length - capacity;
    times.splice(0, extra);
    for (const arr of values.values()) arr.splice(0, extra);
  }
  for (const view of charts.values()) refresh(view);
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
}

function onHealth(view: HealthView | null): void {
  const badge = $('ready');
  const body = $('checks').querySelector('tbody')!;
  body.replaceChildren();
  if (!view) {
    badge.textContent = 'no readiness data';
    return;
  }
  badge.textContent = view.ready ? 'ready' : 'not ready';
  badge.className = `badge ${view.ready ? 'ready' : 'not-ready'}`;
  $('no-checks').hidden = view.checks.length > 0;
  for (const c of view.checks) {
    const row = element('tr', c.status);
    row.dataset['check'] = c.name;
    row.dataset['status'] = c.status;
    const dot = element('td');
    dot.append(element('span', 'dot'));
    row.append(
      dot,
      element('td', undefined, c.critical ? c.name : `${c.name} (non-critical)`),
      element('td', undefined, `${c.durationMs} ms`),
      element('td', undefined, c.message ?? ''),
      element('td', undefined, c.lastError ? `${c.lastError} (${ago(c.lastErrorAt ?? Date.now())})` : ''),
    );
    body.append(row);
  }
  const list = $('transitions');
  list.replaceChildren();
  for (const t of [...view.transitions].reverse()) {
    const li = element(
      'li',
      `to-${t.to}`,
      `${new Date(t.at).toLocaleTimeString()}  ${t.check}: ${t.from} → ${t.to}${t.message ? ` (${t.message})` : ''}`,
    );
    list.append(li);
  }
}

function onTraces(list: readonly TraceView[]): void {
  traces = list;
  const ul = $('traces');
  ul.replaceChildren();
  for (const trace of list) {
    const li = element('li');
    const button = element('button', trace.error ? 'error' : undefined);
    button.dataset['trace'] = trace.traceId;
    if (trace.traceId === selectedTrace) button.classList.add('selected');
    button.append(
      element('span', undefined, `${trace.error ? '✕ ' : ''}${trace.root}`),
      element('span', 'muted', `${fmt(trace.durationMs)} ms · ${trace.spans.length}`),
    );
    button.addEventListener('click', () => selectTrace(trace.traceId));
    li.append(button);
    ul.append(li);
  }
  if (!selectedTrace || !list.some((t) => t.traceId === selectedTrace)) {
    if (list[0]) selectTrace(list[0].traceId);
  } else {
    renderWaterfall(list.find((t) => t.traceId === selectedTrace)!);
  }
}

function selectTrace(id: string): void {
  selectedTrace = id;
  for (const b of $('traces').querySelectorAll('button')) b.classList.toggle('selected', b.dataset['trace'] === id);
  const trace = traces.find((t) => t.traceId === id);
  if (trace) renderWaterfall(trace);
}

function depthOf(span: SpanView, byId: ReadonlyMap<string, SpanView>): number {
  let depth = 0;
  let parent = span.parent ? byId.get(span.parent) : undefined;
  while (parent && depth < 32) {
    depth++;
    parent = parent.parent ? byId.get(parent.parent) : undefined;
  }
  return depth;
}

function renderWaterfall(trace: TraceView): void {
  const box = $('waterfall');
  box.replaceChildren();
  box.dataset['trace'] = trace.traceId;
  const total = Math.max(trace.durationMs, 0.001);
  const byId = new Map(trace.spans.map((s) => [s.id, s]));
  for (const span of trace.spans) {
    const row = element('div', `span-row${span.status === 'error' ? ' error' : ''}`);
    row.dataset['spanId'] = span.id;
    row.dataset['parentId'] = span.parent ?? '';
    const name = element('div', 'span-name', span.name);
    name.style.paddingLeft = `${depthOf(span, byId) * 12}px`;
    const track = element('div', 'span-track');
    const bar = element('div', 'span-bar');
    const left = (span.offsetMs / total) * 100;
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.max(0.3, (span.durationMs / total) * 100)}%`;
    const dur = element('span', 'span-dur', `${fmt(span.durationMs)} ms`);
    dur.style.left = `${Math.min(85, left + (span.durationMs / total) * 100 + 1)}%`;
    track.append(bar, dur);
    row.append(name, track);
    row.addEventListener('click', () => {
      $('span-detail').textContent = JSON.stringify(
        {
          name: span.name,
          kind: span.kind,
          status: span.status,
          statusMessage: span.statusMessage,
          durationMs: span.durationMs,
          attributes: span.attributes,
        },
        null,
        2,
      );
    });
    box.append(row);
  }
}

async function loadMetricNames(): Promise<Map<string, Record<string, string>[]>> {
  const res = await fetch(`${base}/api/metrics`, { credentials: 'same-origin' });
  const body = (await res.json()) as { metrics: { name: string; series: Record<string, string>[] }[] };
  return new Map(body.metrics.map((m) => [m.name, m.series]));
}

let names: Map<string, Record<string, string>[]> | undefined;

function setupPinForm(): void {
  const input = $<HTMLInputElement>('pin-metric');
  const select = $<HTMLSelectElement>('pin-labels');
  const fillNames = async () => {
    names = await loadMetricNames();
    const list = $('pin-names');
    list.replaceChildren(...[...names.keys()].sort().map((n) => Object.assign(element('option'), { value: n })));
  };
  input.addEventListener('focus', () => void fillNames().catch(() => undefined), { once: true });
  input.addEventListener('input', () => {
    const series = names?.get(input.value.trim());
    select.replaceChildren();
    for (const labels of series ?? [{}]) {
      const option = element(
        'option',
        undefined,
        Object.keys(labels).length
          ? Object.entries(labels)
              .map(([k, v]) => `${k}="${v}"`)
              .join(', ')
          : '(no labels)',
      );
      option.value = JSON.stringify(labels);
      select.append(option);
    }
  });
  $('pin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void pin(input.value.trim(), select.value || '{}');
  });
}

async function pin(metric: string, labels: string): Promise<void> {
  const error = $('pin-error');
  error.textContent = '';
  const res = await fetch(`${base}/api/pin?metric=${encodeURIComponent(metric)}&labels=${encodeURIComponent(labels)}`, {
    credentials: 'same-origin',
  });
  const body = (await res.json()) as { message?: string };
  if (!res.ok) error.textContent = body.message ?? `pin failed (${res.status})`;
}

async function unpinSeries(seriesKey: string): Promise<void> {
  await fetch(`${base}/api/unpin?series=${encodeURIComponent(seriesKey)}`, { credentials: 'same-origin' });
  const view = charts.get(`pin:${seriesKey}`);
  if (view) {
    view.plot?.destroy();
    view.el.remove();
    charts.delete(view.id);
    for (const key of view.keys) {
      values.delete(key);
      metas.delete(key);
    }
  }
}

function connect(): void {
  const conn = $('conn');
  const source = new EventSource(`${base}/events`, { withCredentials: true });
  const on = <T>(event: string, fn: (data: T) => void) =>
    source.addEventListener(event, (e) => {
      fn(JSON.parse((e as MessageEvent<string>).data) as T);
    });
  on<InitMessage>('init', onInit);
  on<ChartSpec[]>('charts', onCharts);
  on<SeriesMeta[]>('series', onSeries);
  on<TickMessage>('tick', (msg) => {
    onTick(msg);
    conn.textContent = `live · ${new Date(msg.t * 1000).toLocaleTimeString()}`;
  });
  on<HealthView | null>('health', onHealth);
  on<TraceView[]>('traces', onTraces);
  source.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  source.addEventListener('error', () => {
    conn.textContent = 'reconnecting…';
    conn.className = 'conn';
  });
}

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    for (const view of charts.values()) view.plot?.setSize({ width: chartWidth(view.el), height: 170 });
  }, 150);
});

setupPinForm();
setupRange();
connect();
