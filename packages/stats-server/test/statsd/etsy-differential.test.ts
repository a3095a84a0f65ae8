// Differential test against the real Etsy statsd daemon: the same random StatsD lines go over UDP to
// Etsy and to the stats server; per flush window, counters, gauges (with +/- deltas), timer counts
// and bounds, and sets must agree. Each window uses names of its own, so the server's totals since
// start are the window's values. Intended differences are in the README ("Compared with Etsy statsd").
import fc from 'fast-check';
import { createStatsServer, type StatsServer } from '../../src/index.js';
import { startEtsyStatsd, type EtsyFlush, type EtsyStatsd } from '../support/etsy-statsd.js';
import { sendUdp, waitFor } from '../helpers.js';

const WINDOWS = 60;
const CASES_PER_WINDOW = 20;
const MAX_DATAGRAM_BYTES = 1400;

// Decimal texts both parsers read alike (Etsy reads a rate with its own regex: no exponents).
const decimal = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((n) => String(n / 100));
const rate = fc.option(fc.constantFrom('0.5', '0.25', '0.1', '0.3', '0.75', '0.2', '0.01', '1'), { freq: 2 });

type Op =
  | { kind: 'c'; name: number; values: { value: string; rate: string | null }[] }
  | { kind: 'g'; name: number; value: string }
  | { kind: 'ms'; name: number; values: { value: string; rate: string | null }[] }
  | { kind: 's'; name: number; members: string[] };

const name = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('c' as const),
    name,
    values: fc.array(fc.record({ value: decimal(-50, 100), rate }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('g' as const),
    name,
    // A plain value sets the gauge; a signed one adjusts it.
    value: fc.oneof(
      decimal(0, 1000),
      decimal(0, 100).map((v) => `+${v}`),
      decimal(0, 100).map((v) => `-${v}`),
    ),
  }),
  fc.record({
    kind: fc.constant('ms' as const),
    name,
    values: fc.array(fc.record({ value: decimal(0, 20_000), rate }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('s' as const),
    name,
    members: fc.array(fc.stringMatching(/^[a-z0-9]{1,4}$/), { minLength: 1, maxLength: 3 }),
  }),
);
const testCase = fc.array(op, { minLength: 1, maxLength: 12 });

function lineOf(prefix: string, o: Op): string {
  const metric = `${prefix}.${o.kind}${o.name}`;
  switch (o.kind) {
    case 'g':
      return `${metric}:${o.value}|g`;
    case 's':
      // Etsy multi-value: one group per member.
      return `${metric}:${o.members.map((m) => `${m}|s`).join(':')}`;
    default:
      return `${metric}:${o.values.map((v) => `${v.value}|${o.kind}${v.rate === null ? '' : `|@${v.rate}`}`).join(':')}`;
  }
}

/** Lines packed into datagrams of at most MAX_DATAGRAM_BYTES, newline-separated. */
function datagrams(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + 1 + line.length > MAX_DATAGRAM_BYTES) {
      out.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') out.push(current);
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** What the server holds for one window's names, in Etsy's shape (timer counts as the server counts them). */
function serverWindow(server: StatsServer, prefix: string) {
  const snap = server.snapshot();
  const mine = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith(`${prefix}.`)));
  return {
    counters: mine(snap.counters),
    gauges: mine(snap.gauges),
    timers: mine(snap.timers),
    sets: mine(snap.sets),
  };
}

/** Every disagreement between Etsy's flush and the server's window, as text; [] when they agree. */
function compare(etsy: EtsyFlush, ours: ReturnType<typeof serverWindow>, prefix: string): string[] {
  const problems: string[] = [];
  const keys = (r: object) =>
    Object.keys(r)
      .filter((k) => k.startsWith(`${prefix}.`))
      .sort();
  const sameKeys = (what: string, a: object, b: object) => {
    const [ka, kb] = [keys(a), keys(b)];
    if (ka.join() !== kb.join()) problems.push(`${what}: Etsy has ${ka.join(' ')}; server has ${kb.join(' ')}`);
  };
  sameKeys('counters', etsy.counters, ours.counters);
  sameKeys('gauges', etsy.gauges, ours.gauges);
  sameKeys('timers', etsy.timerCounts, ours.timers);
  sameKeys('sets', etsy.sets, ours.sets);
  for (const [k, v] of Object.entries(ours.counters)) {
    // Etsy scales by `value * (1 / rate)`, the server by `value / rate`: equal to the last bits.
    if (!close(v, etsy.counters[k]!)) problems.push(`counter ${k}: Etsy ${etsy.counters[k]}, server ${v}`);
  }
  for (const [k, v] of Object.entries(ours.gauges)) {
    if (!close(v, etsy.gauges[k]!)) problems.push(`gauge ${k}: Etsy ${etsy.gauges[k]}, server ${v}`);
  }
  for (const [k, t] of Object.entries(ours.timers)) {
    // Etsy counts 1 / rate per sample, fractions included; the server counts whole observations,
    // carrying the fraction: its count is Etsy's rounded down (to within float error).
    const etsyCount = etsy.timerCounts[k]!;
    if (!(t.count <= etsyCount + 1e-6 && t.count > etsyCount - 1 - 1e-6))
      problems.push(`timer ${k} count: Etsy ${etsyCount}, server ${t.count}`);
    const bounds = etsy.timers[k];
    if (bounds?.lower !== t.min || bounds.upper !== t.max)
      problems.push(`timer ${k} bounds: Etsy ${bounds?.lower}..${bounds?.upper}, server ${t.min}..${t.max}`);
  }
  for (const [k, n] of Object.entries(ours.sets)) {
    if (etsy.sets[k]!.length !== n) problems.push(`set ${k}: Etsy ${etsy.sets[k]!.length} members, server ${n}`);
  }
  return problems;
}

describe('StatsD over UDP, differential against Etsy statsd 0.9', () => {
  let etsy: EtsyStatsd;
  let server: StatsServer;
  let serverPort: number;
  let linesSent = 0;
  let window = 0;
  // Series compared, by kind: the property must have compared something of each.
  const compared = { counters: 0, gauges: 0, timers: 0, sets: 0, sampled: 0 };

  beforeAll(async () => {
    [etsy, server] = await Promise.all([
      startEtsyStatsd(),
      (async () => {
        const s = createStatsServer({ port: 0, secrets: 'unused', statsd: { udpPort: 0 }, maxSeries: 1_000_000, maxSetMembers: 1_000_000 });
        await s.start();
        return s;
      })(),
    ]);
    serverPort = server.address().statsdUdpPort!;
  });

  afterAll(async () => {
    await Promise.all([etsy?.stop(), server?.close()]);
  });

  it(`agrees per flush window on ${WINDOWS * CASES_PER_WINDOW} generated cases (${CASES_PER_WINDOW} per window)`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(testCase, { minLength: CASES_PER_WINDOW, maxLength: CASES_PER_WINDOW }), async (windowCases) => {
        const prefix = `w${++window}`;
        const lines = windowCases.flatMap((ops, i) => ops.map((o) => lineOf(`${prefix}.c${i}`, o)));
        const packets = datagrams(lines);
        await etsy.send(...packets);
        await sendUdp(serverPort, ...packets);
        linesSent += lines.length;
        // Etsy: flushed once every datagram arrived. The server: once it has read every line.
        const flushed = await etsy.flush();
        await waitFor(() => {
          const s = server.snapshot().server;
          return s.statsdLines + s.statsdBadLines >= linesSent;
        });
        expect(server.snapshot().server.statsdBadLines).toBe(0);
        cases += windowCases.length;
        const ours = serverWindow(server, prefix);
        expect(compare(flushed, ours, prefix)).toEqual([]);
        for (const kind of ['counters', 'gauges', 'timers', 'sets'] as const) compared[kind] += Object.keys(ours[kind]).length;
        compared.sampled += lines.filter((l) => l.includes('|@')).length;
      }),
      { numRuns: WINDOWS },
    );
    expect(cases).toBeGreaterThanOrEqual(1000);
    for (const [kind, n] of Object.entries(compared)) expect({ kind, many: n > 500 }).toEqual({ kind, many: true });
    // A guard against a hang, not a time limit: 60 windows, each a round trip to the daemon's process
    // (about 1 s in all on a quiet machine; one CI run on Node 22 and 24, three jest workers on two cores, took over 20 s).
  }, 120_000);
});
