// The exposition formats this renderer writes. The formats, their content types and the one `Accept`
// negotiator are core's MetricsSource contract (every server negotiates the same way); they are
// re-exported here so a handler written against this package needs nothing else.
import type { ExpositionFormat } from '@sightline/core';

export { contentTypeOf, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from '@sightline/core/internal';

/** The formats the renderer writes, in order of preference when nothing is asked for. */
export const EXPOSITION_FORMATS: readonly ExpositionFormat[] = Object.freeze(['prometheus', 'openmetrics']);
