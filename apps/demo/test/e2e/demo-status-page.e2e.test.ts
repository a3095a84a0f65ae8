/// <reference lib="dom" />
// The demo's status page in Chromium, as the root README's tour opens it: live charts of the
// order service, its readiness checks, its traces; the screenshot is the README's docs/status-page.png.
import { join } from 'node:path';
import { DOCS_DIR, launchChromium, type Browser } from '../../../../test/support/chromium.js';
import { startDemoProcess, type DemoProcess } from '../demo-process.js';

// Runs in the page (passed as a function: the page's CSP forbids evaluating strings).
const hasPoints = ({ chart, min }: { chart: string; min: number }) =>
  Number(document.querySelector<HTMLElement>(`[data-chart="${chart.replace(/"/g, '\\"')}"]`)?.dataset['points'] ?? 0) >= min;

describe("the demo's status page in Chromium", () => {
  let demo: DemoProcess;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoProcess(['--rate', '40']);
    browser = await launchChromium({ width: 1400, height: 1200 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.child.exitCode === null) {
      demo.child.kill('SIGINT');
      await demo.exited;
    }
  });

  it('charts the order service live, lists its checks and traces, and is saved for the README', async () => {
    const { page } = browser;
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    const response = await page.goto(demo.urls.status);
    expect(response?.status()).toBe(200);

    // Twenty seconds of points (heap and RSS: two a second) make the picture.
    await page.waitForFunction(hasPoints, { chart: 'memory', min: 40 }, { timeout: 60_000 });
    for (const chart of ['requests', 'errors', 'latency', 'eventloop', 'memory', 'gc', 'cpu', 'messages', 'queue', 'stats']) {
      expect(await page.evaluate(hasPoints, { chart, min: 1 })).toBe(true);
    }
    const ordersPerSecond = Number(await page.$eval('[data-chart="requests"]', (el) => (el as HTMLElement).dataset['last']));
    expect(ordersPerSecond).toBeGreaterThan(0);

    const checks = await page.$$eval('#checks tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['check']));
    expect(checks.length).toBeGreaterThan(0);
    expect(await page.textContent('#ready')).toBe('ready');

    await page.waitForSelector('#waterfall .span-row', { timeout: 10_000 });
    expect(await page.$$eval('#traces button', (els) => els.length)).toBeGreaterThan(0);

    // Pin the order cache's hit rate, as the tour suggests.
    await page.focus('#pin-metric');
    await page.waitForFunction(() => (document.getElementById('pin-names')?.children.length ?? 0) > 0);
    await page.fill('#pin-metric', 'cache_hit_rate');
    await page.selectOption('#pin-labels', { index: 0 });
    await page.click('#pin-button');
    await page.waitForFunction(hasPoints, { chart: 'pin:cache_hit_rate{cache_name="orders"}', min: 3 }, { timeout: 10_000 });
    await page.click('#waterfall .span-row:first-child');

    await page.screenshot({ path: join(DOCS_DIR, 'status-page.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);
});
