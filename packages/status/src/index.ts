export { status } from './status-plugin.js';
export type { StatusPlugin, StatusPluginOptions } from './status-plugin.js';

export { createStatusPage, CONTENT_SECURITY_POLICY } from './status-page.js';
export type { StatusPage } from './status-page.js';
export type { StatusStats } from './status-engine.js';

export { resolveStatusOptions, STATUS_DEFAULTS } from './options.js';
export type { ResolvedStatusOptions, StatusOptions } from './options.js';
export { StatusConfigError } from './errors.js';

export { parseExposition } from './exposition-parser.js';
export type { ParsedExposition, Sample } from './exposition-parser.js';
export { CHARTS } from './charts.js';
export type { ChartSpec, SeriesMeta } from './charts.js';
