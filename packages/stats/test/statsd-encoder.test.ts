import type { MetricRecord } from '../src/index.js';
import { encodeStatsdLines, packLines } from '../src/statsd-encoder.js';

const records: MetricRecord[] = [
  { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'eu' } },
  { type: 'gauge', name: 'queue.depth', value: 7 },
  { type: 'gauge', name: 'temp', value: -3 },
  { type: 'timer', name: 'db.query', values: [1.5, 3.25] },
  { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
  { type: 'timer', name: 'sampled', values: [5], sampleRate: 0.25 },
  { type: 'timer', name: 'tagged', values: [1, 2], tags: { a: 'b' } },
];

describe('encodeStatsdLines', () => {
  it('statsd flavour: packed timers, histograms as |ms, tags as |#, negative gauges reset first', () => {
    expect(encodeStatsdLines(records, 'statsd', 1432)).toEqual([
      'orders.created:42|c|#region:eu',
      'queue.depth:7|g',
      'temp:0|g',
      'temp:-3|g',
      'db.query:1.5|ms:3.25|ms',
      'payload.bytes:100|ms:2048|ms',
      'sampled:5|ms|@0.25',
      'tagged:1|ms:2|ms|#a:b',
    ]);
  });

  it('dogstatsd flavour: one type for all values, |h for histograms', () => {
    expect(encodeStatsdLines(records, 'dogstatsd', 1432)).toEqual([
      'orders.created:42|c|#region:eu',
      'queue.depth:7|g',
      'temp:0|g',
      'temp:-3|g',
      'db.query:1.5:3.25|ms',
      'payload.bytes:100:2048|h',
      'sampled:5|ms|@0.25',
      'tagged:1:2|ms|#a:b',
    ]);
  });

  it('telegraf flavour: tags in the name', () => {
    expect(encodeStatsdLines(records, 'telegraf', 1432)).toEqual([
      'orders.created,region=eu:42|c',
      'queue.depth:7|g',
      'temp:0|g',
      'temp:-3|g',
      'db.query:1.5|ms:3.25|ms',
      'payload.bytes:100|h:2048|h',
      'sampled:5|ms|@0.25',
      'tagged,a=b:1|ms:2|ms',
    ]);
  });

  it('splits a timer over lines no longer than the limit, keeping every sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const lines = encodeStatsdLines([{ type: 'timer', name: 't', values, tags: { k: 'v' } }], 'statsd', 64);
    expect(lines.every((l) => l.length <= 64)).toBe(true);
    const back = lines.flatMap((l) =>
      l
        .replace(/\|#k:v$/, '')
        .slice(2)
        .split(':')
        .map((p) => Number(p.split('|')[0])),
    );
    expect(back).toEqual(values);
    expect(lines[0]).toBe('t:0|ms:1|ms:2|ms:3|ms:4|ms:5|ms:6|ms:7|ms:8|ms:9|ms:10|ms|#k:v');
  });
});

describe('packLines', () => {
  it('joins lines with newlines into packets up to the limit', () => {
    expect(packLines(['aaaa', 'bbbb', 'cccc', 'dddddddddd', 'e'], 9)).toEqual(['aaaa\nbbbb', 'cccc', 'dddddddddd', 'e']);
  });
});
