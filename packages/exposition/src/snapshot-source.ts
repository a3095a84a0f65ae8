// Any way of taking metric snapshots, as a MetricsSource that renders either format and negotiates
// it from a scraper's Accept header.
import type { ChunkWriter, ExpositionFormat, MetricsExposition, MetricsSource, RenderChunksControl } from '@sightline/core';
import { resolveOptions } from '@sightline/core/internal';
import { contentTypeOf, EXPOSITION_FORMATS, negotiateFormat, PROMETHEUS_CONTENT_TYPE } from './formats.js';
import { SNAPSHOT_SOURCE_SHAPE, type SnapshotSourceOptions } from './options.js';
import { renderExpositionChunks, renderExpositionSliced } from './render.js';
import type { MetricSnapshot } from './snapshot.js';

/** An exposition as bytes, ready for the socket. */
export interface ExpositionBytes {
  /** The negotiated content type. */
  readonly contentType: string;
  /** The exposition, encoded as UTF-8. */
  readonly body: Buffer;
}

/** A MetricsSource with content negotiation, as every Sightline exporter returns. */
export interface NegotiatingMetricsSource extends MetricsSource {
  /** The formats this source can render. */
  readonly formats: readonly ExpositionFormat[];
  /** Prometheus text 0.0.4 unless another format is asked for. */
  render(format?: ExpositionFormat): Promise<string>;
  /** Renders in the format the `Accept` header prefers (Prometheus text when it names none). */
  negotiate(accept: string | undefined): Promise<MetricsExposition>;
  /** Renders in the given format. */
  renderFormat(format: ExpositionFormat): Promise<string>;
  /** `renderFormat()` as UTF-8 bytes. */
  renderBytes(format: ExpositionFormat): Promise<Buffer>;
  /** `negotiate()` as bytes: what a metrics handler writes, skipping a string and its encoding. */
  negotiateBytes(accept: string | undefined): Promise<ExpositionBytes>;
  /** The families as data (with the default labels), only those `wanted` accepts when it is given. */
  collect(wanted?: (family: string) => boolean): Promise<readonly MetricSnapshot[]>;
  /** Renders `format` in slices, handed to `write` in chunks of about 64 KiB as they fill (see `renderExpositionChunks`). */
  renderChunks(format: ExpositionFormat, write: ChunkWriter, control?: RenderChunksControl): Promise<void>;
}

/**
 * A negotiating source over any way of taking snapshots: each render takes a fresh snapshot and
 * renders it in slices that give the event loop back. The source remembers its last exposition's
 * size, so the next one starts in a buffer that fits. `snapshot(wanted)` may read only the
 * families `wanted` accepts (what `collect(wanted)` asks for); one that ignores it is filtered here.
 */
export function snapshotSource(
  snapshot: (wanted?: (family: string) => boolean) => Promise<readonly MetricSnapshot[]>,
  options: SnapshotSourceOptions = {},
): NegotiatingMetricsSource {
  const { defaultLabels } = resolveOptions(SNAPSHOT_SOURCE_SHAPE, options, { source: 'snapshotSource()' });
  let sizeHint: number | undefined;
  const renderBytes = async (format: ExpositionFormat): Promise<Buffer> => {
    const snapshots = await snapshot();
    const body = await renderExpositionSliced(snapshots, {
      format,
      ...(defaultLabels !== undefined ? { defaultLabels } : {}),
      ...(sizeHint !== undefined ? { sizeHint } : {}),
    });
    sizeHint = body.length;
    return body;
  };
  const renderFormat = async (format: ExpositionFormat): Promise<string> => (await renderBytes(format)).toString('utf8');
  const collect = async (wanted?: (family: string) => boolean): Promise<readonly MetricSnapshot[]> => {
    const snapshots = await snapshot(wanted);
    const kept = wanted ? snapshots.filter((m) => wanted(m.name)) : snapshots;
    return defaultLabels === undefined || Object.keys(defaultLabels).length === 0 ? kept : kept.map((m) => withDefaults(m, defaultLabels));
  };
  const renderChunks = async (format: ExpositionFormat, write: ChunkWriter, control: RenderChunksControl = {}): Promise<void> => {
    const snapshots = await snapshot();
    await renderExpositionChunks(snapshots, write, { ...control, format, ...(defaultLabels !== undefined ? { defaultLabels } : {}) });
  };
  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    formats: EXPOSITION_FORMATS,
    render: (format = 'prometheus') => renderFormat(format),
    renderFormat,
    renderBytes,
    collect,
    renderChunks,
    async negotiate(accept) {
      const format = negotiateFormat(accept);
      return { contentType: contentTypeOf(format), body: await renderFormat(format) };
    },
    async negotiateBytes(accept) {
      const format = negotiateFormat(accept);
      return { contentType: contentTypeOf(format), body: await renderBytes(format) };
    },
  };
}

/** A family with the default labels under its samples' own, as the renderer writes them. */
function withDefaults(metric: MetricSnapshot, defaults: Readonly<Record<string, string>>): MetricSnapshot {
  return {
    ...metric,
    values: metric.values.map((v) => ({ ...v, sharedLabels: { ...defaults, ...v.sharedLabels } })),
  };
}
