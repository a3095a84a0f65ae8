// Turns a batch into StatsD lines and packs the lines into packets. Several samples of one timer go
// in one line (`key:1|ms:2|ms`), which Etsy statsd, DogStatsD and Telegraf accept, so a burst of
// timings costs a few packets instead of one line each and nothing is lost to packet count.
import type { MetricRecord } from './batch.js';
import type { Flavour } from './options.js';
import type { Tags } from '@sightline/stats-protocol';

function tagSuffix(tags: Tags | undefined, flavour: Flavour): string {
  if (!tags || flavour === 'telegraf') return '';
  const keys = Object.keys(tags);
  if (keys.length === 0) return '';
  return `|#${keys.map((k) => `${k}:${tags[k]}`).join(',')}`;
}

function telegrafName(name: string, tags: Tags | undefined, flavour: Flavour): string {
  if (!tags || flavour !== 'telegraf') return name;
  const keys = Object.keys(tags);
  return keys.length ? `${name},${keys.map((k) => `${k}=${tags[k]}`).join(',')}` : name;
}

function sampleType(record: MetricRecord, flavour: Flavour): string {
  // Etsy statsd counts any type it does not know, |h included, so histograms go as timers there.
  return record.type === 'histogram' && flavour !== 'statsd' ? 'h' : 'ms';
}

/**
 * Appends the StatsD lines of `records` to `out`, none longer than `maxLineBytes` (a timer with
 * many samples is split over several lines). Lines are ASCII: names and tags are checked on entry.
 */
export function encodeStatsdLines(records: readonly MetricRecord[], flavour: Flavour, maxLineBytes: number, out: string[] = []): string[] {
  for (const r of records) {
    const key = telegrafName(r.name, r.tags, flavour);
    const tail = tagSuffix(r.tags, flavour);
    if (r.type === 'counter') {
      out.push(`${key}:${r.value}|c${tail}`);
    } else if (r.type === 'gauge') {
      // A negative gauge would read as a delta: reset to 0 first, as statsd's docs advise.
      if (r.value < 0) out.push(`${key}:0|g${tail}`);
      out.push(`${key}:${r.value}|g${tail}`);
    } else {
      const unit = `|${sampleType(r, flavour)}${r.sampleRate !== undefined && r.sampleRate < 1 ? `|@${r.sampleRate}` : ''}`;
      // Etsy statsd and Telegraf take `key:1|ms:2|ms` (type per value; Etsy reads `|#tags` off the
      // whole line first); DogStatsD takes `key:1:2|ms|#tags` (one type for all values).
      const dog = flavour === 'dogstatsd';
      const head = `${key}:`;
      const close = dog ? `${unit}${tail}` : tail;
      const budget = maxLineBytes - head.length - close.length;
      let line = '';
      for (const v of r.values) {
        const part = dog ? `${v}` : `${v}${unit}`;
        if (line && line.length + 1 + part.length > budget) {
          out.push(`${head}${line}${close}`);
          line = '';
        }
        line = line ? `${line}:${part}` : part;
      }
      if (line) out.push(`${head}${line}${close}`);
    }
  }
  return out;
}

/** Joins lines with `\n` into packets of at most `maxBytes` (a longer line goes alone). */
export function packLines(lines: readonly string[], maxBytes: number): string[] {
  const packets: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > maxBytes) {
      packets.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) packets.push(current);
  return packets;
}
