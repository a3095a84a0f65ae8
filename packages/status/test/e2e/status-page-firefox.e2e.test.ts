// The status page in Firefox (Debian's firefox-esr over WebDriver BiDi): the same page, charts
// filling and advancing, a failing check turning red, the waterfall, and no script error.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchFirefox, type Firefox } from '../../../../test/support/firefox.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const points = (chart: string) => `Number(document.querySelector('[data-chart="${chart}"]')?.dataset.points ?? 0)`;

describe('the status page in Firefox', () => {
  let app: TestApp;
  let firefox: Firefox;

  beforeAll(async () => {
    app = await startTestApp({ trafficEveryMs: 40 });
    firefox = await launchFirefox();
  }, 90_000);

  afterAll(async () => {
    await firefox?.close();
    await app?.stop();
  });

  test('charts fill and advance, a failing check turns red, the waterfall shows parent and child', async () => {
    await firefox.navigate(`${app.url}/status`);
    await firefox.waitFor(`${points('requests')} >= 2`, 15_000);
    const first = await firefox.evaluate<number>(points('requests'));
    await firefox.waitFor(`${points('requests')} > ${first}`, 5_000);
    const last = await firefox.evaluate<number>(`Number(document.querySelector('[data-chart="requests"]').dataset.last)`);
    expect(last).toBeGreaterThan(5);
    expect(await firefox.evaluate<number>(`document.querySelectorAll('[data-chart="latency"] canvas').length`)).toBeGreaterThan(0);

    await firefox.waitFor(`document.querySelector('tr[data-check="database"][data-status="pass"]')`, 5_000);
    app.failDatabase(true);
    await firefox.waitFor(`document.querySelector('tr[data-check="database"][data-status="fail"]')`, 10_000);
    expect(
      await firefox.evaluate<string>(`getComputedStyle(document.querySelector('tr[data-check="database"] .dot')).backgroundColor`),
    ).toBe('rgb(248, 81, 73)');

    await firefox.waitFor(`document.querySelector('#waterfall .span-row')`, 5_000);
    const rows = await firefox.evaluate<{ id: string; parent: string; name: string }[]>(
      `[...document.querySelectorAll('#waterfall .span-row')].map((r) => ({ id: r.dataset.spanId, parent: r.dataset.parentId, name: r.querySelector('.span-name').textContent }))`,
    );
    const parent = rows.find((r) => r.name === 'handle-order');
    expect(rows.find((r) => r.name === 'charge-card')?.parent).toBe(parent?.id);

    const dir = join(__dirname, '../../../../test-results');
    mkdirSync(dir, { recursive: true });
    await firefox.screenshot(join(dir, 'status-page-firefox.png'));
    app.failDatabase(false);
    expect(firefox.problems).toEqual([]);
  }, 60_000);
});
