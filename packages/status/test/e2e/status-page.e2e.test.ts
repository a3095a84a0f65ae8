/// <reference lib="dom" />
// The status page in a real browser (Debian's chromium, driven by playwright-core): a service
// started through setup(), its page opened through the /metrics token, charts receiving points,
// a readiness check turning red, a trace waterfall, a pinned metric. (The demo's e2e test takes the
// screenshot the root README shows.)
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from '../../../../test/support/chromium.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SCREENSHOT_DIR = join(__dirname, '../../../../test-results');
const SCREENSHOT = join(SCREENSHOT_DIR, 'status-page-test-app.png');
const TOKEN = 'status-e2e-token';

async function pointsOf(page: Page, chart: string): Promise<{ points: number; last: number }> {
  return page.$eval(`[data-chart="${chart}"]`, (el) => ({
    points: Number((el as HTMLElement).dataset['points'] ?? '0'),
    last: Number((el as HTMLElement).dataset['last'] ?? 'NaN'),
  }));
}

describe('the status page in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const consoleProblems: string[] = [];
  const scriptErrors: string[] = [];
  const failedResponses: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ metricsToken: TOKEN, trafficEveryMs: 40, httpResponses: true });
    browser = await launchChromium();
    page = browser.page;
    page.on('console', (msg) => {
      // "Failed to load resource" lines repeat the failed responses checked below.
      if ((msg.type() === 'error' || msg.type() === 'warning') && !msg.text().startsWith('Failed to load resource'))
        consoleProblems.push(msg.text());
    });
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('response', (res) => {
      if (res.status() >= 400) failedResponses.push(`${res.status()} ${new URL(res.url()).pathname}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('without the token the page answers 401; ?token= sets a cookie and the page loads', async () => {
    const denied = await page.goto(`${app.url}/status`);
    expect(denied?.status()).toBe(401);
    const response = await page.goto(`${app.url}/status?token=${TOKEN}`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.waitForSelector('#conn.live', { timeout: 10_000 });
  });

  test('charts have data points and new points arrive every second', async () => {
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-chart="requests"]')?.dataset['points'] ?? 0) >= 2,
      undefined,
      { timeout: 10_000 },
    );
    const first = await pointsOf(page, 'requests');
    // ~25 requests/s per op are sent: the chart shows a rate, not a hard-coded value.
    expect(first.last).toBeGreaterThan(5);
    expect(first.last).toBeLessThan(60);
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('[data-chart="requests"]')?.dataset['points'] ?? 0) > n,
      first.points,
      { timeout: 5_000 },
    );
    const later = await pointsOf(page, 'requests');
    expect(later.points).toBeGreaterThan(first.points);
    for (const chart of ['latency', 'errors', 'eventloop', 'memory', 'gc', 'cpu']) {
      const { points } = await pointsOf(page, chart);
      expect(points).toBeGreaterThan(0);
    }
    const heap = await pointsOf(page, 'memory');
    expect(heap.last).toBeGreaterThan(1); // MB
    expect(await page.$$eval('[data-chart="requests"] canvas', (els) => els.length)).toBeGreaterThan(0);
  });

  test('a service without streams: responses by status class with data, load average, and no messages chart', async () => {
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-chart="status"]')?.dataset['points'] ?? 0) >= 2,
      undefined,
      { timeout: 10_000 },
    );
    // 25 rounds/s: 2xx (13 in 20) is the largest class, and its rate is shown per second.
    const legend = await page.$eval('[data-chart="status"]', (el) => el.textContent ?? '');
    expect(legend).toContain('2xx');
    expect(legend).toContain('4xx');
    expect(legend).toContain('5xx');
    const { points } = await pointsOf(page, 'status');
    expect(points).toBeGreaterThan(0);
    expect((await pointsOf(page, 'load')).points).toBeGreaterThan(0);
    expect(await page.$$('[data-chart="messages"]')).toHaveLength(0);
    expect(await page.$$('[data-chart="lag"]')).toHaveLength(0);
    expect(await page.$$('[data-chart="queue"]')).toHaveLength(0);
  });

  test('the time-range switch changes the range the charts span', async () => {
    const span = () =>
      page.$eval(
        '[data-chart="requests"]',
        (el) => Number((el as HTMLElement).dataset['xMax']) - Number((el as HTMLElement).dataset['xMin']),
      );
    expect(await span()).toBe(900);
    await page.click('#range button[data-range="60"]');
    expect(await page.$eval('#range', (el) => (el as HTMLElement).dataset['range'])).toBe('60');
    expect(await span()).toBe(60);
    expect(await page.textContent('#range-label')).toBe('1 minute');
    await page.click('#range button[data-range="300"]');
    expect(await span()).toBe(300);
    await page.click('#range button[data-range="900"]');
    expect(await span()).toBe(900);
  });

  test('a readiness check made to fail turns red, and the timeline shows it', async () => {
    await page.waitForSelector('tr[data-check="database"][data-status="pass"]', { timeout: 5_000 });
    app.failDatabase(true);
    await page.waitForSelector('tr[data-check="database"][data-status="fail"]', { timeout: 10_000 });
    const color = await page.$eval('tr[data-check="database"] .dot', (el) => getComputedStyle(el).backgroundColor);
    expect(color).toBe('rgb(248, 81, 73)');
    expect(await page.textContent('tr[data-check="database"]')).toContain('connection refused');
    expect(await page.textContent('#ready')).toBe('not ready');
    expect(await page.textContent('#transitions')).toContain('database: pass → fail');
    app.failDatabase(false);
    await page.waitForSelector('tr[data-check="database"][data-status="pass"]', { timeout: 3_000 });
    expect(await page.textContent('tr[data-check="database"]')).toContain('connection refused'); // last error kept
  });

  test('the trace waterfall shows a parent span and its child', async () => {
    await page.waitForSelector('#waterfall .span-row', { timeout: 5_000 });
    const rows = await page.$$eval('#waterfall .span-row', (els) =>
      els.map((el) => ({
        id: (el as HTMLElement).dataset['spanId'],
        parent: (el as HTMLElement).dataset['parentId'],
        name: el.querySelector('.span-name')?.textContent,
      })),
    );
    const parent = rows.find((r) => r.name === 'handle-order');
    const child = rows.find((r) => r.name === 'charge-card');
    expect(parent).toBeDefined();
    expect(child?.parent).toBe(parent?.id);
    await page.click(`#waterfall .span-row[data-span-id="${parent!.id}"]`);
    const detail = JSON.parse((await page.textContent('#span-detail')) ?? '{}') as { name: string; attributes: Record<string, unknown> };
    expect(detail.name).toBe('handle-order');
    expect(detail.attributes['order.id']).toMatch(/^o-\d+$/);
  });

  test('a metric pinned from the page gets a chart; an unknown name is explained', async () => {
    await page.fill('#pin-metric', 'sightline_request_duration_seconds_cont');
    await page.click('#pin-button');
    await page.waitForFunction(() => (document.getElementById('pin-error')?.textContent ?? '').length > 0);
    expect(await page.textContent('#pin-error')).toContain('did you mean "sightline_request_duration_seconds_count"');

    await page.focus('#pin-metric');
    await page.waitForFunction(() => (document.getElementById('pin-names')?.children.length ?? 0) > 0, undefined, { timeout: 5_000 });
    await page.fill('#pin-metric', 'sightline_request_duration_seconds_count');
    await page.selectOption('#pin-labels', JSON.stringify({ op: 'order.create' }));
    await page.click('#pin-button');
    const chart = '[data-chart="pin:sightline_request_duration_seconds_count{op=\\"order.create\\"}"]';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLElement>(sel)?.dataset['points'] ?? 0) >= 2, chart, {
      timeout: 5_000,
    });
    const pinned = await page.$eval(chart, (el) => Number((el as HTMLElement).dataset['last']));
    expect(pinned).toBeGreaterThan(5); // a rate, per second
    expect(await page.textContent('#pin-error')).toBe('');
  });

  test('no CSP violation or script error; a screenshot for the record', async () => {
    app.failDatabase(true);
    await page.waitForSelector('tr[data-check="database"][data-status="fail"]', { timeout: 3_000 });
    await page.waitForTimeout(1_500);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    app.failDatabase(false);
    // CSP violations are reported on the console; none, and no script error.
    expect(consoleProblems).toEqual([]);
    expect(scriptErrors).toEqual([]);
    // The only failed requests: the visit without the token and the deliberately unknown metric.
    expect(failedResponses).toEqual(['401 /status', '404 /status/api/pin']);
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
