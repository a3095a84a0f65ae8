// What a metrics backend hands to a server that exposes /metrics: the server need not know which.

/** One rendered exposition. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

export interface MetricsSource {
  /** Content type of `render()`'s output, e.g. `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  render(): string | Promise<string>;
  /**
   * Optional content negotiation: the exposition for a scraper's `Accept` header (OpenMetrics when
   * asked for it). Servers call this when present and fall back to `render()`.
   */
  negotiate?(accept: string | undefined): MetricsExposition | Promise<MetricsExposition>;
}

/** Renders a source for a request's `Accept` header. */
export async function renderMetrics(source: MetricsSource, accept?: string): Promise<MetricsExposition> {
  if (source.negotiate) return source.negotiate(accept);
  return { contentType: source.contentType, body: await source.render() };
}

/**
 * Serves several sources as one exposition, in order: the first source picks the format and
 * content type; the others are asked for the same one. Metric names must not collide.
 */
export function combineMetricsSources(...sources: readonly MetricsSource[]): MetricsSource {
  if (sources.length === 1) return sources[0]!;
  const join = (bodies: readonly string[]): string =>
    bodies
      .filter((b) => b.length > 0)
      .map((b) => (b.endsWith('\n') ? b : `${b}\n`))
      .join('')
      // OpenMetrics allows one terminating `# EOF`, at the very end.
      .replace(/^# EOF\n/gm, '');
  const first = sources[0];
  return {
    contentType: first?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
    async render() {
      return join(await Promise.all(sources.map((s) => s.render())));
    },
    async negotiate(accept) {
      const parts = await Promise.all(sources.map((s) => renderMetrics(s, accept)));
      const contentType = parts[0]?.contentType ?? this.contentType;
      const body = join(parts.map((p) => p.body));
      return { contentType, body: contentType.includes('openmetrics') ? `${body}# EOF\n` : body };
    },
  };
}
