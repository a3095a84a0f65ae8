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
 * `oneValuePerLine`: every sample on its own line, as hot-shots sends them, which every daemon reads
 * (Etsy statsd does not read DogStatsD's `key:1:2|ms`).
 */
export function encodeStatsdLines(
  records: readonly MetricRecord[],
  flavour: Flavour,
  maxLineBytes: number,
  out: string[] = [],
  oneValuePerLine = false,
): string[] {
  for (const r of records) {
    const key = telegrafName(r.name, r.tags, flavour);
    const tail = tagSuffix(r.tags, flavour);
    if (r.type === 'counter') {
      out.push(`${key}:${r.value}|c${tail}`);
    } else if (r.type === 'set') {
      for (const member of r.values) out.push(`${key}:${member}|s${tail}`);
    } else if (r.type === 'gauge') {
      if (r.delta === true) {
        out.push(`${key}:${r.value < 0 ? '' : '+'}${r.value}|g${tail}`);
        continue;
      }
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
        if (line && (oneValuePerLine || line.length + 1 + part.length > budget)) {
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

/** A DogStatsD event's options (hot-shots' names). */
export interface EventOptions {
  /** When the event happened: a Date, or seconds since the epoch. Default: when the agent receives it. */
  readonly date_happened?: Date | number;
  /** The host the event is about. Default: the agent's host. */
  readonly hostname?: string;
  /** Groups events with the same key in Datadog's event stream. */
  readonly aggregation_key?: string;
  /** Default `normal` (set by the agent when absent). */
  readonly priority?: 'normal' | 'low';
  /** The event's source, e.g. `jenkins`. */
  readonly source_type_name?: string;
  /** Default `info` (set by the agent when absent). */
  readonly alert_type?: 'error' | 'warning' | 'info' | 'success';
}

/** A DogStatsD service check's options (hot-shots' names). */
export interface CheckOptions {
  /** When the check ran: a Date, or seconds since the epoch. Default: when the agent receives it. */
  readonly date_happened?: Date | number;
  /** The host the check is about. Default: the agent's host. */
  readonly hostname?: string;
  /** What the check says, e.g. why it is critical. */
  readonly message?: string;
}

const FIELD_FORBIDDEN = /[|\n\r]/;

/** A Date, or a number of seconds since the epoch. */
function epochSeconds(date: Date | number): number {
  return Math.round(date instanceof Date ? date.getTime() / 1000 : date);
}

function field(prefix: string, value: string | undefined): string {
  return value === undefined ? '' : `|${prefix}:${value.replace(/[|\n\r]/g, ' ')}`;
}

/** `_e{title,text}:title|text|d:..|h:..|k:..|p:..|s:..|t:..|#tags`; undefined when the title is unusable. */
export function encodeEvent(title: string, text: string, options: EventOptions, tags: Tags | undefined): string | undefined {
  if (typeof title !== 'string' || title.length === 0 || FIELD_FORBIDDEN.test(title)) return undefined;
  const body = String(text ?? '')
    .replace(/\r?\n/g, '\\n')
    .replace(/\|/g, ' ');
  let line = `_e{${Buffer.byteLength(title)},${Buffer.byteLength(body)}}:${title}|${body}`;
  if (options.date_happened !== undefined) line += `|d:${epochSeconds(options.date_happened)}`;
  line += field('h', options.hostname) + field('k', options.aggregation_key) + field('p', options.priority);
  line += field('s', options.source_type_name) + field('t', options.alert_type);
  return line + tagSuffix(tags, 'dogstatsd');
}

/** `_sc|name|status|d:..|h:..|#tags|m:message`; undefined when the name or status is unusable. */
export function encodeCheck(name: string, status: number, options: CheckOptions, tags: Tags | undefined): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || FIELD_FORBIDDEN.test(name) || ![0, 1, 2, 3].includes(status)) return undefined;
  let line = `_sc|${name}|${status}`;
  if (options.date_happened !== undefined) line += `|d:${epochSeconds(options.date_happened)}`;
  line += field('h', options.hostname) + tagSuffix(tags, 'dogstatsd');
  if (options.message !== undefined) line += `|m:${options.message.replace(/\r?\n/g, '\\n').replace(/\|/g, ' ')}`;
  return line;
}
