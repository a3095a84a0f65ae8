// What a metrics backend hands to a server that exposes /metrics: the server need not know which.
import { SightlineError } from '../errors.js';
import type { MetricSnapshot } from './metric-snapshot.js';
import { getLogger } from '../logging/logger.js';

const log = getLogger('sightline.core.metrics');

/** The two Prometheus exposition formats: text 0.0.4 and OpenMetrics 1.0.0. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** The content type of the Prometheus text format, version 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** The content type of the OpenMetrics text format, version 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The content type of a body in `format`. */
export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}

/**
 * The exposition format a content type names, or `undefined` for anything else (JSON...). This
 * reads a content type a source answered with; choosing a format from a scraper's `Accept` header
 * is the job of `negotiateFormat` in `@sightline/prometheus`.
 */
export function formatOfContentType(contentType: string): ExpositionFormat | undefined {
  const params = contentType.toLowerCase().split(';');
  const type = params[0]!.trim();
  if (type === 'application/openmetrics-text') return 'openmetrics';
  if (type !== 'text/plain') return undefined;
  for (let i = 1; i < params.length; i++) {
    const [key, value] = params[i]!.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (key === 'version' && value !== '0.0.4') return undefined;
  }
  return 'prometheus';
}

/** One rendered exposition. */
export interface MetricsExposition {
  /** The body's content type. */
  readonly contentType: string;
  /** The exposition text. */
  readonly body: string;
}

/**
 * Receives an exposition chunk by chunk; `last` is true on the final one (which may be empty). The
 * chunk is lent: the source may write into its memory again once the promise returned for it settles
 * (at once when nothing is returned), so copy what you keep. A promise also holds rendering back
 * (backpressure): a slow scraper slows the render instead of growing a buffer.
 */
export type ChunkWriter = (chunk: Buffer, last: boolean) => void | Promise<void>;

/** How `renderChunks()` is asked to render. */
export interface RenderChunksControl {
  /** Rendering stops at the next step once aborted (the scraper went away), with no further write. */
  readonly signal?: AbortSignal;
  /**
   * Families to leave out, by family name and type (`counter`, `gauge`, ...): a combined body gives
   * each name to the first source that uses it.
   */
  readonly skipFamily?: (name: string, type: string) => boolean;
  /** Told of each family as it is rendered (after `skipFamily` let it through). */
  readonly onFamily?: (name: string, type: string) => void;
  /** Whether an OpenMetrics body ends with `# EOF` (default true); a combined body writes it once, at its end. */
  readonly eof?: boolean;
}

/**
 * Anything that renders metrics as an exposition: a Prometheus collector, a stats server, several combined.
 */
export interface MetricsSource {
  /** Content type of `render()`'s output, e.g. `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /**
   * The exposition. A source that lists `formats` renders in the `format` asked for (one of them);
   * any other source ignores the argument and answers in `contentType`.
   */
  render(format?: ExpositionFormat): string | Promise<string>;
  /**
   * The exposition formats `render(format)` honours. Sources combined with others are asked for
   * one format, chosen once per scrape, so the parts of a body never mix formats.
   */
  readonly formats?: readonly ExpositionFormat[];
  /**
   * Optional content negotiation: the exposition for a scraper's `Accept` header (OpenMetrics when
   * asked for it). Servers call this when present and fall back to `render()`.
   */
  negotiate?(accept: string | undefined): MetricsExposition | Promise<MetricsExposition>;
  /**
   * The families as data, without rendering text, for in-process readers (the status page): when
   * `wanted` is given, only the families whose name it accepts are read, so a reader pays for what
   * it reads rather than for the whole exposition. Optional; a reader falls back to `render()`.
   */
  collect?(wanted?: (family: string) => boolean): readonly MetricSnapshot[] | Promise<readonly MetricSnapshot[]>;
  /**
   * Optional streamed rendering: `format` (one of `formats`) handed to `write` chunk by chunk as it
   * renders, in slices that give the event loop back, so no step of a scrape is proportional to the
   * whole body and its memory is a chunk or two. Servers call this when present and fall back to
   * `negotiate()` / `render()`. Resolves once the last chunk's write settled.
   */
  renderChunks?(format: ExpositionFormat, write: ChunkWriter, control?: RenderChunksControl): Promise<void>;
}

/** Renders a source for a request's `Accept` header. */
export async function renderMetrics(source: MetricsSource, accept?: string): Promise<MetricsExposition> {
  if (source.negotiate) return source.negotiate(accept);
  return { contentType: source.contentType, body: await source.render() };
}

/** What a part of a combined exposition did not render in the format chosen for the whole body. */
export class MixedExpositionError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_MIXED_EXPOSITION';

  constructor(
    /** The position of the part among the sources combined. */
    readonly part: number,
    /** The format chosen for the whole body. */
    readonly expected: ExpositionFormat,
    /** The content type the part answered with. */
    readonly contentType: string,
  ) {
    super(
      `combined metrics: source #${part + 1} answered ${JSON.stringify(contentType)} when asked for ${expected}; ` +
        'one body cannot mix exposition formats (give the source `formats` and `render(format)`)',
    );
  }
}

// What a source that only negotiates is asked for, to get one format from it.
const ACCEPT_FOR: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4',
  openmetrics: 'application/openmetrics-text; version=1.0.0',
};

function canRender(source: MetricsSource, format: ExpositionFormat): boolean {
  if (source.formats) return source.formats.includes(format);
  if (source.negotiate) return true;
  return formatOfContentType(source.contentType) === format;
}

/** One part in `format`: through `render(format)`, or what it negotiates for that format, checked. */
async function renderIn(source: MetricsSource, format: ExpositionFormat, part: number): Promise<string> {
  if (source.formats?.includes(format)) return source.render(format);
  const exposition = source.negotiate
    ? await source.negotiate(ACCEPT_FOR[format])
    : { contentType: source.contentType, body: await source.render() };
  if (formatOfContentType(exposition.contentType) !== format) {
    throw new MixedExpositionError(part, format, exposition.contentType);
  }
  return exposition.body;
}

function join(bodies: readonly string[], format: ExpositionFormat | undefined): string {
  const body = bodies
    .filter((b) => b.length > 0)
    .map((b) => (b.endsWith('\n') ? b : `${b}\n`))
    .join('')
    // OpenMetrics allows one terminating `# EOF`, at the very end.
    .replace(/^# EOF\n/gm, '');
  return format === 'openmetrics' ? `${body}# EOF\n` : body;
}

/** Every name a family of `type` writes in either format: two families may share none. */
function namesOfFamily(name: string, type: string): readonly string[] {
  switch (type) {
    case 'counter': {
      const base = name.endsWith('_total') ? name.slice(0, -6) : name;
      return [base, `${base}_total`, `${base}_created`];
    }
    case 'histogram':
    case 'gaugehistogram':
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`, `${name}_created`, `${name}_gsum`, `${name}_gcount`];
    case 'summary':
      return [name, `${name}_sum`, `${name}_count`, `${name}_created`];
    case 'info':
      return [name, `${name}_info`];
    default:
      return [name];
  }
}

interface FamilyBlock {
  readonly start: number;
  end: number;
  readonly name: string | undefined;
  type: string | undefined;
}

/** Splits an exposition into its families, by their `# HELP` / `# TYPE` lines; only comment lines are read. */
function familyBlocks(body: string): FamilyBlock[] {
  const blocks: FamilyBlock[] = [];
  let current: FamilyBlock = { start: 0, end: body.length, name: undefined, type: undefined };
  blocks.push(current);
  const nextComment = (from: number): number => {
    const j = body.indexOf('\n#', from);
    return j === -1 ? -1 : j + 1;
  };
  let at = body.charCodeAt(0) === 35 /* # */ ? 0 : nextComment(0);
  while (at !== -1) {
    let lineEnd = body.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = body.length;
    const words = body.slice(at, Math.min(lineEnd, at + 512)).split(' ');
    const isMeta = words[1] === 'HELP' || words[1] === 'TYPE';
    const name = isMeta ? words[2] : undefined;
    if (!isMeta || name !== current.name) {
      current.end = at;
      current = { start: at, end: body.length, name, type: undefined };
      blocks.push(current);
    }
    if (words[1] === 'TYPE') current.type = words[3];
    at = nextComment(lineEnd);
  }
  return blocks;
}

const reportedCollisions = new Set<string>();

/** Which source uses each exposition name, as the parts of one body are rendered in order. */
type NameOwners = Map<string, number>;

/**
 * Whether part `part`'s family collides with a name an earlier part uses (logged once per family);
 * when it does not, its names are marked as the part's own.
 */
function claimFamily(owner: NameOwners, part: number, name: string, type: string): boolean {
  const names = namesOfFamily(name, type);
  const clash = names.find((n) => owner.has(n) && owner.get(n) !== part);
  if (clash !== undefined) {
    const key = `${part}:${name}`;
    if (!reportedCollisions.has(key) && reportedCollisions.size < 10_000) {
      reportedCollisions.add(key);
      log.warn(
        `metric family ${name} of metrics source #${part + 1} collides with source #${owner.get(clash)! + 1} (${clash}); only the first is served`,
        {
          family: name,
          name: clash,
        },
      );
    }
    return false;
  }
  for (const n of names) if (!owner.has(n)) owner.set(n, part);
  return true;
}

/** One part's body without the families whose names an earlier part uses. */
function withoutCollisionsIn(body: string, part: number, owner: NameOwners, control: RenderChunksControl = {}): string {
  let out = '';
  let dropped = false;
  for (const block of familyBlocks(body)) {
    if (block.name !== undefined) {
      const type = block.type ?? 'untyped';
      if (control.skipFamily?.(block.name, type) || !claimFamily(owner, part, block.name, type)) {
        dropped = true;
        continue;
      }
      control.onFamily?.(block.name, type);
    }
    out += body.slice(block.start, block.end);
  }
  return dropped ? out : body;
}

/**
 * Leaves out of later parts every family that uses a name an earlier part uses already: a body
 * with a family twice is invalid (promtool: "second HELP line"), and merging them would let one
 * source forge another's samples. Each collision is logged once.
 */
function withoutCollisions(bodies: readonly string[]): string[] {
  const owner: NameOwners = new Map();
  return bodies.map((body, part) => withoutCollisionsIn(body, part, owner));
}

const EMPTY = Buffer.alloc(0);
const EOF_LINE = Buffer.from('# EOF\n');

/**
 * The parts of a combined source streamed one after the other in `format`: a part that streams
 * (`renderChunks`) is asked to leave out the families an earlier part named; any other part is
 * rendered whole and filtered the same way. One `# EOF` at the very end of an OpenMetrics body.
 */
async function streamParts(
  sources: readonly MetricsSource[],
  format: ExpositionFormat,
  write: ChunkWriter,
  control: RenderChunksControl,
): Promise<void> {
  const owner: NameOwners = new Map();
  const { signal, skipFamily, onFamily } = control;
  for (let part = 0; part < sources.length; part++) {
    if (signal?.aborted) return;
    const source = sources[part]!;
    if (source.renderChunks && source.formats?.includes(format)) {
      await source.renderChunks(format, (chunk) => (chunk.length > 0 ? write(chunk, false) : undefined), {
        ...(signal ? { signal } : {}),
        eof: false,
        skipFamily: (name, type) => (skipFamily?.(name, type) ?? false) || !claimFamily(owner, part, name, type),
        ...(onFamily ? { onFamily } : {}),
      });
      continue;
    }
    let body = withoutCollisionsIn(await renderIn(source, format, part), part, owner, control);
    body = body.replace(/^# EOF\n?/gm, '');
    if (body.length === 0) continue;
    if (!body.endsWith('\n')) body += '\n';
    if (signal?.aborted) return;
    await write(Buffer.from(body, 'utf8'), false);
  }
  if (signal?.aborted) return;
  await write(format === 'openmetrics' && control.eof !== false ? EOF_LINE : EMPTY, true);
}

/**
 * Serves several sources as one exposition, in order. The format is chosen once per scrape: the
 * first source negotiates it from the `Accept` header (OpenMetrics only when every source can
 * render it), and every source is rendered in that one format, so the content type always
 * matches the whole body. A family whose names another source used first is left out and logged
 * once (see `withoutCollisions`), so no family is ever rendered twice.
 */
export function combineMetricsSources(...sources: readonly MetricsSource[]): MetricsSource {
  if (sources.length === 1) return sources[0]!;
  const contentType = sources[0]?.contentType ?? PROMETHEUS_CONTENT_TYPE;
  const formats = (['prometheus', 'openmetrics'] as const).filter((f) => sources.every((s) => canRender(s, f)));

  const renderAll = async (format: ExpositionFormat): Promise<string> =>
    join(withoutCollisions(await Promise.all(sources.map((s, i) => renderIn(s, format, i)))), format);

  // Data is read from every part when every part can give it; a family another part named first is
  // left out, as it is from the rendered body.
  const collectors = sources.every((s) => typeof s.collect === 'function') ? sources : undefined;
  const collect = collectors
    ? async (wanted?: (family: string) => boolean): Promise<readonly MetricSnapshot[]> => {
        const parts = await Promise.all(collectors.map(async (s) => s.collect!(wanted)));
        const owner = new Map<string, number>();
        const out: MetricSnapshot[] = [];
        parts.forEach((families, part) => {
          for (const family of families) {
            const names = namesOfFamily(family.name, family.type);
            if (names.some((n) => owner.has(n) && owner.get(n) !== part)) continue;
            for (const n of names) if (!owner.has(n)) owner.set(n, part);
            out.push(family);
          }
        });
        return out;
      }
    : undefined;

  const renderChunks =
    formats.length > 0
      ? async (format: ExpositionFormat, write: ChunkWriter, control: RenderChunksControl = {}): Promise<void> => {
          if (!formats.includes(format)) {
            const part = sources.findIndex((s) => !canRender(s, format));
            throw new MixedExpositionError(part, format, sources[part]!.contentType);
          }
          return streamParts(sources, format, write, control);
        }
      : undefined;

  return {
    contentType,
    formats,
    ...(collect ? { collect } : {}),
    ...(renderChunks ? { renderChunks } : {}),
    async render(format) {
      const wanted = format ?? formatOfContentType(contentType);
      // Sources that are not an exposition format (JSON...) are joined as they come, as before.
      if (wanted === undefined || !formats.includes(wanted))
        return join(await Promise.all(sources.map((s) => Promise.resolve(s.render()))), undefined);
      return renderAll(wanted);
    },
    async negotiate(accept) {
      if (formats.length === 0) {
        // Nothing to negotiate between: the first source picks, the others add what they render.
        const first = await renderMetrics(sources[0]!, accept);
        const rest = await Promise.all(sources.slice(1).map((s) => Promise.resolve(s.render())));
        return { contentType: first.contentType, body: join([first.body, ...rest], undefined) };
      }
      const lead = await renderMetrics(sources[0]!, accept);
      let format = formatOfContentType(lead.contentType);
      if (format === undefined || !formats.includes(format)) format = formats[0]!;
      const rest = await Promise.all(sources.slice(1).map((s, i) => renderIn(s, format, i + 1)));
      // The lead's own body is reused when it came in the chosen format.
      const first = formatOfContentType(lead.contentType) === format ? lead.body : await renderIn(sources[0]!, format, 0);
      return { contentType: contentTypeOf(format), body: join(withoutCollisions([first, ...rest]), format) };
    },
  };
}
