// The README's hot-shots program sent for real (UDP) to two Etsy statsd daemons, one run through
// hot-shots and one through `@sightline/stats/hot-shots` (the import line the only change): each
// daemon must hold the same counters, gauges and timer samples. The port comes from DD_DOGSTATSD_PORT,
// as hot-shots users set it; timers read a still clock on both sides, so every duration is 0.
import type { StatsD } from '../../src/hot-shots.js';
import { OURS, recordingHotShots, recordingOurs, runSnippet, THEIRS } from '../readme-snippet.js';
import { waitFor } from '../helpers.js';
import { startStatsd, type StatsdDaemon } from './statsd-daemon.js';

let daemons: StatsdDaemon[] = [];
let clocks: jest.SpyInstance[] = [];
const savedPort = process.env.DD_DOGSTATSD_PORT;
beforeAll(async () => {
  daemons = [await startStatsd(), await startStatsd()];
  clocks = [jest.spyOn(performance, 'now').mockReturnValue(1000), jest.spyOn(process.hrtime, 'bigint').mockReturnValue(1_000_000_000n)];
}, 30_000);
afterAll(async () => {
  for (const c of clocks) c.mockRestore();
  if (savedPort === undefined) delete process.env.DD_DOGSTATSD_PORT;
  else process.env.DD_DOGSTATSD_PORT = savedPort;
  await Promise.all(daemons.map((d) => d.stop()));
});

/** What a daemon holds, tags in each key sorted (a tag set has no order), statsd's own counters left out. */
async function held(daemon: StatsdDaemon): Promise<Record<string, unknown>> {
  const sortKeys = (record: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(record)
        .filter(([key]) => !key.startsWith('statsd.'))
        .map(([key, value]) => {
          const [name, ...tags] = key.split(';');
          return [[name, ...tags.sort()].join(';'), value];
        }),
    );
  return { counters: sortKeys(await daemon.counters()), gauges: sortKeys(await daemon.gauges()), timers: sortKeys(await daemon.timers()) };
}

const started = (counters: Record<string, unknown>): unknown => counters['shop.checkout.started;channel=web;env=production'];

it('Etsy statsd receives the same values from the program through hot-shots and through @sightline/stats/hot-shots', async () => {
  const [theirsDaemon, oursDaemon] = daemons as [StatsdDaemon, StatsdDaemon];
  const env = { NODE_ENV: 'production', STATSD_HOST: '127.0.0.1' };
  const errors: string[] = [];

  process.env.DD_DOGSTATSD_PORT = String(theirsDaemon.udpPort);
  // hot-shots turns on its Datadog mode by itself in a container (a `|c:` container-id field, which
  // Etsy statsd reads into the tags, and its own telemetry metrics): off, as for a StatsD daemon.
  await new Promise<void>((resolve) =>
    runSnippet(THEIRS, { 'hot-shots': recordingHotShots([], resolve, { datadog: false }) }, env, errors),
  );
  const roots: StatsD[] = [];
  process.env.DD_DOGSTATSD_PORT = String(oursDaemon.udpPort);
  await new Promise<void>((resolve) => runSnippet(OURS, { '@sightline/stats/hot-shots': recordingOurs(roots, resolve) }, env, errors));
  expect(errors).toEqual([]);

  for (const daemon of daemons) {
    await waitFor(async () => started((await held(daemon)).counters as Record<string, unknown>) === 3, 10_000, 'the checkouts at statsd');
  }
  const theirs = await held(theirsDaemon);
  expect(await held(oursDaemon)).toEqual(theirs);
  expect(theirs.counters).toEqual({
    'shop.checkout.started;channel=web;env=production': 3,
    // Etsy statsd counts `|h` (a type it does not know) as a counter: 2 + 1 + 1 items.
    'shop.cart.items;channel=web;env=production': 4,
    'payments.shop.charge.ok;currency=eur;env=production;team=billing': 2,
    'payments.shop.charge.declined;currency=eur;env=production;team=billing': 1,
  });
  expect(theirs.gauges).toEqual({ 'payments.shop.last_charge_cents;env=production;team=billing': 50 });
}, 30_000);
