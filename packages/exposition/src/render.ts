// The pure render step: metric snapshots in, exposition bytes out. No registry, no I/O and no state
// kept between calls, so the same function serves a collector, a cluster aggregate, a receiver's
// store and tests.
import type { ChunkWriter, ExpositionFormat, RenderChunksControl } from '@sightline/core';
import type { ExemplarSnapshot, LabelSet, MetricSnapshot, SampleSnapshot } from './snapshot.js';
import { RENDER_SLICE_MS, runInSlices, yieldToEventLoop } from './time-slices.js';

/** Options of `renderExposition()`, `renderExpositionBytes()` and `renderExpositionSliced()`. */
export interface RenderOptions {
  /** Defaults to `prometheus` (text format 0.0.4). */
  readonly format?: ExpositionFormat;
  /** Added to every sample that does not carry a label of the same name. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /**
   * Bytes the exposition is expected to take, typically the length of the same source's previous
   * one: the output buffer starts that large (plus an eighth), so a scrape never copies a growing
   * buffer. Default 64 KiB.
   */
  readonly sizeHint?: number;
}

/**
 * A family as `renderExpositionChunks()` reads it: its samples may be any iterable, produced while
 * the family renders, so a source never has to hold every sample object of a large exposition at once.
 */
export interface StreamedMetricSnapshot extends Omit<MetricSnapshot, 'values'> {
  /** The family's samples, read once, in order. */
  readonly values: Iterable<SampleSnapshot>;
}

/** Options of `renderExpositionChunks()`: how to render, and core's `RenderChunksControl` (signal, families left out, `# EOF`). */
export interface RenderChunksOptions extends Omit<RenderOptions, 'sizeHint'>, RenderChunksControl {
  /** Bytes handed to `write` at a time: a chunk is this long plus at most one sample line. Default 64 KiB. */
  readonly chunkBytes?: number;
  /** Longest a slice keeps the event loop (default `RENDER_SLICE_MS`). */
  readonly sliceMs?: number;
}

export type { ChunkWriter };

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value;
}

function escapeHelp(help: string, openMetrics: boolean): string {
  let out = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (openMetrics) out = out.replace(/"/g, '\\"');
  return out;
}

/**
 * Writes a sample value as the exposition formats do: integers plain, `+Inf`, `-Inf` and `NaN` spelled out.
 */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value !== value) return 'NaN';
  return '' + value;
}

function labelPairs(labels: LabelSet): string {
  let out = '';
  for (const key in labels) {
    const v = labels[key];
    if (v === undefined) continue;
    const s = typeof v === 'string' ? escapeLabelValue(v) : formatValue(v);
    out += out.length === 0 ? `${key}="${s}"` : `,${key}="${s}"`;
  }
  return out;
}

/** A growable byte buffer that the renderer writes ASCII into directly, with UTF-8 only when needed. */
class ByteWriter {
  buf: Buffer;
  pos = 0;
  /** The render loop pauses once this many bytes are written, for `take()` (chunked rendering only). */
  flushAt = Infinity;

  constructor(private readonly initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(initial, 4096));
  }

  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(src: Uint8Array): void {
    const n = src.length;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    // Short copies (a name, a series' labels) are cheaper in a loop than through a native call.
    if (n < 64) for (let i = 0; i < n; i++) buf[pos++] = src[i]!;
    else {
      buf.set(src, pos);
      pos += n;
    }
    this.pos = pos;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Writes a string: a byte per character while it is ASCII, UTF-8 for the rest. */
  text(str: string): void {
    const n = str.length;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c > 0x7f) {
        const rest = str.slice(i);
        this.pos = pos;
        this.reserve(Buffer.byteLength(rest));
        this.pos += this.buf.write(rest, this.pos, 'utf8');
        return;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Hands out what is written and goes on in `next` (a buffer whose last chunk was written), or a new one. */
  take(next?: Buffer): Buffer {
    const chunk = this.result();
    this.buf = next ?? Buffer.allocUnsafe(Math.max(this.initial, 4096));
    this.pos = 0;
    return chunk;
  }
}

/** ` # {trace_id="..."} 0.042 1700000000.123`: an OpenMetrics exemplar after its sample's value. */
function exemplarText(exemplar: ExemplarSnapshot): string {
  const time = exemplar.timestamp === undefined ? '' : ` ${formatValue(exemplar.timestamp)}`;
  return ` # {${labelPairs(exemplar.labelSet)}} ${formatValue(exemplar.value)}${time}`;
}

const encode = (text: string): Uint8Array => Buffer.from(text, 'utf8');

// prom-client keeps one labels object per series for the series' life, so its formatted bytes are
// kept too: later scrapes copy them instead of formatting again. Weak: a removed series frees its entry.
const pairsCache = new WeakMap<LabelSet, Uint8Array>();

function cachedPairs(labels: LabelSet): Uint8Array {
  let bytes = pairsCache.get(labels);
  if (bytes === undefined) {
    bytes = encode(labelPairs(labels));
    pairsCache.set(labels, bytes);
  }
  return bytes;
}

const leCache = new Map<number | string | undefined, Uint8Array>();

/** `le="0.5"` for a bucket bound: a handful of distinct values, formatted once. */
function lePair(bound: string | number | undefined): Uint8Array {
  let bytes = leCache.get(bound);
  if (bytes === undefined) {
    bytes = encode(bound === undefined ? '' : `le="${typeof bound === 'number' ? formatValue(bound) : escapeLabelValue(bound)}"`);
    if (leCache.size < 10_000) leCache.set(bound, bytes);
  }
  return bytes;
}

function isOnlyLe(labels: LabelSet): boolean {
  for (const key in labels) if (key !== 'le') return false;
  return true;
}

function typeWord(type: string, openMetrics: boolean): string {
  if (type === 'counter' || type === 'gauge' || type === 'histogram' || type === 'summary') return type;
  return openMetrics ? 'unknown' : 'untyped';
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/** Where the output buffer starts without a size hint. */
const DEFAULT_SIZE = 64 * 1024;

/** A writer sized for `options.sizeHint`, with an eighth to spare for a registry that grew. */
function writerFor(options: RenderOptions): ByteWriter {
  const hint = options.sizeHint;
  const size = hint !== undefined && hint > 0 && Number.isFinite(hint) ? Math.ceil(hint * 1.125) : DEFAULT_SIZE;
  return new ByteWriter(size);
}

// Samples written between two checks of the clock by the sliced renderer.
const SAMPLES_PER_STEP = 256;

/**
 * The render loop, as a generator that pauses every SAMPLES_PER_STEP samples: driven straight
 * through by `renderExpositionBytes`, and with pauses for the event loop by `renderExpositionSliced`.
 */
function* writeExposition(
  metrics: Iterable<StreamedMetricSnapshot>,
  options: RenderOptions & RenderChunksControl,
  out: ByteWriter,
): Generator<void, void, void> {
  const openMetrics = options.format === 'openmetrics';
  const { skipFamily, onFamily } = options;
  const defaults = options.defaultLabels ? Object.entries(options.defaultLabels) : [];
  const defaultPairs = defaults.map(([k, v]) => encode(`${k}="${escapeLabelValue(v)}"`));
  const hasDefaults = defaults.length > 0;
  const names = new Map<string, Uint8Array>();
  const nameBytes = (name: string): Uint8Array => {
    let bytes = names.get(name);
    if (bytes === undefined) {
      bytes = encode(name);
      names.set(name, bytes);
    }
    return bytes;
  };

  let untilPause = SAMPLES_PER_STEP;
  for (const metric of metrics) {
    if (skipFamily?.(metric.name, metric.type)) continue;
    onFamily?.(metric.name, metric.type);
    const isCounter = metric.type === 'counter';
    let family = metric.name;
    if (openMetrics && isCounter && family.endsWith('_total')) family = family.slice(0, -6);
    out.text(`# HELP ${family} ${escapeHelp(metric.help, openMetrics)}\n# TYPE ${family} ${typeWord(metric.type, openMetrics)}\n`);
    const counterSample = nameBytes(openMetrics && isCounter ? `${family}_total` : family);

    for (const sample of metric.values) {
      if (--untilPause === 0 || out.pos >= out.flushAt) {
        untilPause = SAMPLES_PER_STEP;
        yield;
      }
      const sampleName = sample.metricName;
      out.bytes(sampleName === undefined || sampleName === metric.name ? counterSample : nameBytes(sampleName));

      let opened = false;
      const shared = sample.sharedLabels;
      const own = sample.labels;
      if (shared !== undefined) {
        // A histogram sample (prom-client's getForPromString): series labels shared, `le` apart.
        const sharedBytes = cachedPairs(shared);
        if (sharedBytes.length > 0) {
          out.byte(OPEN_BRACE);
          out.bytes(sharedBytes);
          opened = true;
        }
        if (own !== undefined) {
          const ownBytes = isOnlyLe(own) ? lePair(own.le) : encode(labelPairs(own));
          if (ownBytes.length > 0) {
            out.byte(opened ? COMMA : OPEN_BRACE);
            out.bytes(ownBytes);
            opened = true;
          }
        }
      } else if (own !== undefined) {
        const ownBytes = cachedPairs(own);
        if (ownBytes.length > 0) {
          out.byte(OPEN_BRACE);
          out.bytes(ownBytes);
          opened = true;
        }
      }
      if (hasDefaults) {
        for (let d = 0; d < defaults.length; d++) {
          const key = defaults[d]![0];
          if (own?.[key] !== undefined || shared?.[key] !== undefined) continue;
          out.byte(opened ? COMMA : OPEN_BRACE);
          out.bytes(defaultPairs[d]!);
          opened = true;
        }
      }
      if (opened) out.byte(CLOSE_BRACE);
      out.byte(SPACE);
      out.text(formatValue(sample.value));
      if (openMetrics && sample.exemplar) out.text(exemplarText(sample.exemplar));
      out.byte(NEWLINE);
    }
  }
  if (openMetrics && options.eof !== false) out.text('# EOF\n');
}

/**
 * Renders snapshots as Prometheus text format 0.0.4 or OpenMetrics 1.0.0, straight into bytes: what
 * a server writes to the socket, without building and encoding a string first. In OpenMetrics a
 * counter's family is named without `_total` and its sample with it, and the text ends with `# EOF`.
 */
export function renderExpositionBytes(metrics: readonly MetricSnapshot[], options: RenderOptions = {}): Buffer {
  const out = writerFor(options);
  const steps = writeExposition(metrics, options, out);
  while (!steps.next().done);
  return out.result();
}

/**
 * `renderExpositionBytes`, the same bytes, rendered in slices of at most about `sliceMs` that give
 * the event loop back in between: a scrape of 100,000 series never stalls the application's requests.
 */
export async function renderExpositionSliced(
  metrics: readonly MetricSnapshot[],
  options: RenderOptions = {},
  sliceMs: number = RENDER_SLICE_MS,
): Promise<Buffer> {
  const out = writerFor(options);
  await runInSlices(writeExposition(metrics, options, out), sliceMs);
  return out.result();
}

/** Where a chunk is cut without `chunkBytes`: small enough to stay off the large-object heaps, large enough for few writes. */
const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * `renderExpositionSliced`, the same bytes, handed to `write` in chunks of about `chunkBytes` as they
 * are rendered instead of as one buffer. Two buffers are written in turn, each reused once the
 * `write` of its last chunk settles: a scrape's memory is two chunks, whatever the size of the
 * exposition, and allocates nothing per chunk. Every call ends with one `last` chunk (it may be
 * empty), unless `signal` was aborted.
 */
export async function renderExpositionChunks(
  metrics: Iterable<StreamedMetricSnapshot>,
  write: ChunkWriter,
  options: RenderChunksOptions = {},
): Promise<void> {
  const chunkBytes = options.chunkBytes !== undefined && options.chunkBytes > 0 ? options.chunkBytes : DEFAULT_CHUNK_BYTES;
  const sliceMs = options.sliceMs ?? RENDER_SLICE_MS;
  const signal = options.signal;
  // Room for the chunk and the sample line that passes it, so a chunk is never copied to grow.
  const out = new ByteWriter(chunkBytes + 16 * 1024);
  out.flushAt = chunkBytes;
  const steps = writeExposition(metrics, options, out);
  // One chunk is held back until the next one is full, so the final one can say it is the last.
  let held: Buffer | undefined;
  // The whole buffer `held` is cut from (grown or not): free again once `held` is written.
  let heldBuffer: Buffer | undefined;
  let sliceStart = performance.now();
  for (;;) {
    if (signal?.aborted) return;
    const step = steps.next();
    if (step.done) break;
    if (out.pos >= chunkBytes) {
      const free = heldBuffer;
      if (held !== undefined) {
        const pending = write(held, false);
        if (pending !== undefined) {
          // Not a new slice: a socket that takes the chunk at once settles its write on the next
          // tick, without the event loop turning, so the slice goes on until it has run its time.
          await pending;
          if (signal?.aborted) return;
        }
      }
      heldBuffer = out.buf;
      held = out.take(free);
    }
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  const rest = out.result();
  if (held === undefined) return write(rest, true);
  if (rest.length === 0) return write(held, true);
  await write(held, false);
  if (signal?.aborted) return;
  return write(rest, true);
}

/** The same exposition as a string (see `renderExpositionBytes`). */
export function renderExposition(metrics: readonly MetricSnapshot[], options: RenderOptions = {}): string {
  return renderExpositionBytes(metrics, options).toString('utf8');
}
