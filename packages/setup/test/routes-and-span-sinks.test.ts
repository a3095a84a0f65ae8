// Plugins' pages (routes) and span sinks reach every plugin's start context, in plugin order.
import type { HttpRoute, PluginContext, SpanSink } from '@sightline/core';
import { SetupConfigError, setup } from '../src/index.js';

const route = (path: string): HttpRoute => ({ path, auth: 'metrics', handle: () => undefined });

describe('setup: routes and span sinks', () => {
  it('collects routes and span sinks in plugin order into every context', async () => {
    const sink: SpanSink = { onSpanEnd: () => undefined };
    const contexts: PluginContext[] = [];
    const obs = setup({
      service: 'svc',
      plugins: [
        { name: 'a', routes: [route('/a'), route('/b')] },
        { name: 'page', routes: [route('/status')], spanSink: sink },
        { name: 'server', start: (ctx) => void contexts.push(ctx) },
      ],
    });
    await obs.start();
    expect(contexts[0]!.routes!.map((r) => r.path)).toEqual(['/a', '/b', '/status']);
    expect(contexts[0]!.spanSinks).toEqual([sink]);
    await obs.close();
  });

  it('refuses a span sink without onSpanEnd and routes that are not routes', () => {
    expect(() => setup({ service: 's', plugins: [{ name: 'p', spanSink: {} as never }] })).toThrow(
      new SetupConfigError('invalid option `plugins[0].spanSink` in setup(): expected a SpanSink ({ onSpanEnd(span) }) (got an object)'),
    );
    expect(() => setup({ service: 's', plugins: [{ name: 'p', routes: [{ path: 'x' }] as never }] })).toThrow(
      /invalid option `plugins\[0\]\.routes\[0\]` in setup\(\): expected a route/,
    );
    expect(() => setup({ service: 's', plugins: [{ name: 'p', routes: {} as never }] })).toThrow(SetupConfigError);
  });
});
