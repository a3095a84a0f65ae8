export { status } from './status-plugin.js';
export type { StatusPlugin, StatusPluginOptions } from './status-plugin.js';

export { createStatusPage, CONTENT_SECURITY_POLICY } from './status-page.js';
export type { StatusPage } from './status-page.js';
export type { StatusStats } from './status-engine.js';

export type { StatusOptions } from './options.js';
export { StatusConfigError } from './errors.js';

export type { ChartSpec, SeriesMeta } from './charts.js';
