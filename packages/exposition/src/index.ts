// @sightline/exposition: the Prometheus / OpenMetrics exposition renderer and `Accept` negotiator,
// over plain metric snapshots.
export { contentTypeOf, EXPOSITION_FORMATS, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './formats.js';
export { formatValue, renderExposition, renderExpositionBytes, renderExpositionChunks, renderExpositionSliced } from './render.js';
export type { ChunkWriter, RenderChunksOptions, RenderOptions, StreamedMetricSnapshot } from './render.js';
export { RENDER_SLICE_MS } from './time-slices.js';
export type { ExemplarSnapshot, LabelSet, MetricSnapshot, SampleSnapshot } from './snapshot.js';
export { snapshotSource } from './snapshot-source.js';
export type { ExpositionBytes, NegotiatingMetricsSource } from './snapshot-source.js';
export type { SnapshotSourceOptions } from './options.js';
