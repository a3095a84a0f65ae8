// The StatsD / DogStatsD line parser: a pure function from one line to its samples or an error.
//
//   line   := name ':' group (':' group)*          Etsy multi-value: key:1|ms:2|ms
//   group  := values '|' type ('|' field)*
//   values := value (':' value)*                   DogStatsD packed values: key:1:2:3|d
//   field  := '@' rate | '#' tags | 'c:' container | 'T' unix-seconds
//   tags   := tag (',' tag)*,  tag := key [':' value]
//
// A tags field runs to the next '|' or the end of the line (a tag value may hold ':'), and applies to
// every group of the line.

export type StatsdType = 'counter' | 'gauge' | 'timer' | 'histogram' | 'distribution' | 'set';

export interface StatsdSample {
  readonly type: StatsdType;
  readonly name: string;
  /** A number for every type but `set`, whose members are strings. */
  readonly value: number | string;
  /** From `|@rate`; 1 when absent. Counters and timings are scaled by 1 / rate when applied. */
  readonly sampleRate: number;
  /** Gauges only: the value had a leading `+` or `-`, so it adjusts the gauge instead of setting it. */
  readonly delta: boolean;
  /** DogStatsD `|#k:v,k2` tags; a tag without a value has the value `''`. */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

export type StatsdLineResult =
  { readonly ok: true; readonly samples: readonly StatsdSample[] } | { readonly ok: false; readonly error: string };

const TYPES: Readonly<Record<string, StatsdType>> = {
  c: 'counter',
  g: 'gauge',
  ms: 'timer',
  h: 'histogram',
  d: 'distribution',
  s: 'set',
};
const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
// No whitespace, control characters or the separators of the format itself.
// eslint-disable-next-line no-control-regex
const NAME = /^[^\s\u0000-\u001f\u007f:|@#,]+$/;
const MAX_NAME_LENGTH = 250;
const MAX_SAMPLES_PER_LINE = 10_000;
// Clients repeat the same few tag sets: parse each text once and share the (frozen) result.
const TAG_CACHE_LIMIT = 1_000;
const tagCache = new Map<string, Readonly<Record<string, string>>>();

/** Parses one line (without its newline; a trailing `\r` is ignored). */
export function parseStatsdLine(input: string): StatsdLineResult {
  const line = input.endsWith('\r') ? input.slice(0, -1) : input;
  const colon = line.indexOf(':');
  if (colon === -1) return fail('no ":" between name and value (expected name:value|type)');
  const name = line.slice(0, colon);
  if (name.length === 0) return fail('empty metric name');
  if (name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    return fail(
      `invalid metric name ${JSON.stringify(clip(name))}: no whitespace, control characters or ":|@#,", at most ${MAX_NAME_LENGTH} characters`,
    );
  }

  return parseSingleGroup(line, name, colon) ?? parseGroups(line, name, colon);
}

/**
 * The common case, one `values|type[|fields]` group, read without intermediate arrays. Returns
 * undefined for anything else, including every error, which the general parser then explains.
 */
function parseSingleGroup(line: string, name: string, colon: number): StatsdLineResult | undefined {
  const n = line.length;
  const bar = line.indexOf('|', colon + 1);
  if (bar === -1) return undefined;
  let next = line.indexOf('|', bar + 1);
  const typeCode = line.slice(bar + 1, next === -1 ? n : next);
  const type = TYPES[typeCode];
  if (!type) return undefined;
  let rate = 1;
  let tags: Readonly<Record<string, string>> | undefined;
  while (next !== -1) {
    const start = next + 1;
    next = line.indexOf('|', start);
    const end = next === -1 ? n : next;
    const c = line.charCodeAt(start);
    if (c === 64 /* @ */) {
      const text = line.slice(start + 1, end);
      rate = NUMBER.test(text) ? Number(text) : NaN;
      if (!(rate > 0 && rate <= 1)) return undefined;
    } else if (c === 35 /* # */) {
      if (tags) return undefined;
      const parsed = cachedTags(line.slice(start + 1, end));
      if (typeof parsed === 'string') return undefined;
      tags = parsed;
    } else if (!(c === 99 /* c */ && line.charCodeAt(start + 1) === 58) && !/^T[0-9]+$/.test(line.slice(start, end))) {
      return undefined;
    }
  }
  const values = line.slice(colon + 1, bar);
  if (type === 'set') {
    if (values.length === 0) return undefined;
    return { ok: true, samples: [{ type, name, value: values, sampleRate: rate, delta: false, tags }] };
  }
  if (values.includes(':')) return undefined;
  if (!NUMBER.test(values)) return undefined;
  const value = Number(values);
  if (!Number.isFinite(value)) return undefined;
  const c0 = values.charCodeAt(0);
  const delta = type === 'gauge' && (c0 === 43 /* + */ || c0 === 45); /* - */
  return { ok: true, samples: [{ type, name, value, sampleRate: rate, delta, tags }] };
}

function parseGroups(line: string, name: string, colon: number): StatsdLineResult {
  const fields = line.slice(colon + 1).split('|');
  interface Group {
    readonly values: string;
    readonly type: string;
    rate: number;
  }
  const groups: Group[] = [];
  let tags: Readonly<Record<string, string>> | undefined;
  let pendingValues: string | undefined = fields[0];
  let i = 1;
  while (pendingValues !== undefined) {
    if (i >= fields.length) return fail(`missing type after value ${JSON.stringify(clip(pendingValues))} (expected name:value|type)`);
    const typeField = fields[i++]!;
    const [type, next] = splitOnce(typeField);
    const group: Group = { values: pendingValues, type, rate: 1 };
    groups.push(group);
    pendingValues = next;
    while (pendingValues === undefined && i < fields.length) {
      const field = fields[i++]!;
      if (field.startsWith('@')) {
        const [rateText, rest] = splitOnce(field.slice(1));
        const rate = NUMBER.test(rateText) ? Number(rateText) : NaN;
        if (!(rate > 0 && rate <= 1)) return fail(`invalid sample rate ${JSON.stringify(clip(rateText))}: expected a number in (0, 1]`);
        group.rate = rate;
        pendingValues = rest;
      } else if (field.startsWith('#')) {
        if (tags) return fail('more than one tags field');
        const parsed = cachedTags(field.slice(1));
        if (typeof parsed === 'string') return fail(parsed);
        tags = parsed;
      } else if (field.startsWith('c:') || /^T[0-9]+$/.test(field)) {
        // DogStatsD container id and timestamp: accepted and ignored.
      } else {
        return fail(`unknown field ${JSON.stringify(clip(field))}: expected @rate, #tags, c:container or T<timestamp>`);
      }
    }
  }

  const samples: StatsdSample[] = [];
  for (const group of groups) {
    const type = TYPES[group.type];
    if (!type) return fail(`unknown type ${JSON.stringify(clip(group.type))}: expected c, g, ms, h, d or s`);
    // A set member is any text, `:` included, so set values are never split as packed values.
    const values = type === 'set' ? [group.values] : group.values.split(':');
    if (samples.length + values.length > MAX_SAMPLES_PER_LINE) return fail(`more than ${MAX_SAMPLES_PER_LINE} values in one line`);
    for (const text of values) {
      if (type === 'set') {
        if (text.length === 0) return fail('empty set member');
        samples.push({ type, name, value: text, sampleRate: group.rate, delta: false, tags });
        continue;
      }
      if (!NUMBER.test(text)) return fail(`invalid ${type} value ${JSON.stringify(clip(text))}: expected a decimal number`);
      const value = Number(text);
      if (!Number.isFinite(value)) return fail(`invalid ${type} value ${JSON.stringify(clip(text))}: not finite`);
      const delta = type === 'gauge' && (text.startsWith('+') || text.startsWith('-'));
      samples.push({ type, name, value, sampleRate: group.rate, delta, tags });
    }
  }
  return { ok: true, samples };
}

function cachedTags(text: string): Readonly<Record<string, string>> | string {
  const cached = tagCache.get(text);
  if (cached) return cached;
  const parsed = parseTags(text);
  if (typeof parsed === 'string') return parsed;
  if (tagCache.size >= TAG_CACHE_LIMIT) tagCache.clear();
  tagCache.set(text, Object.freeze(parsed));
  return parsed;
}

function parseTags(text: string): Record<string, string> | string {
  // No prototype: a tag named `__proto__` is a tag like any other.
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const raw of text.split(',')) {
    if (raw.length === 0) continue;
    const colon = raw.indexOf(':');
    const key = colon === -1 ? raw : raw.slice(0, colon);
    if (key.length === 0) return `tag ${JSON.stringify(clip(raw))} has an empty key`;
    tags[key] = colon === -1 ? '' : raw.slice(colon + 1);
  }
  return tags;
}

function splitOnce(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  return colon === -1 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(error: string): StatsdLineResult {
  return { ok: false, error };
}
