import { negotiateFormat } from '../src/index.js';

describe('negotiateFormat', () => {
  it.each([
    [
      'Prometheus 2.x',
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      'openmetrics',
    ],
    ['OpenMetrics alone', 'application/openmetrics-text', 'openmetrics'],
    ['OpenMetrics 0.0.1', 'application/openmetrics-text; version=0.0.1', 'openmetrics'],
    ['no header', undefined, 'prometheus'],
    ['text/plain', 'text/plain;version=0.0.4', 'prometheus'],
    ['a browser', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'prometheus'],
    ['OpenMetrics less wanted than text', 'text/plain;q=1,application/openmetrics-text;q=0.5', 'prometheus'],
    ['OpenMetrics refused', 'application/openmetrics-text;q=0,text/plain;q=0.1', 'prometheus'],
    ['an unknown OpenMetrics version', 'application/openmetrics-text;version=2.0.0', 'prometheus'],
    ['case and spaces', ' Application/OpenMetrics-Text ; Version=1.0.0 ; q=0.9 , text/plain ; q=0.2', 'openmetrics'],
  ])('%s -> %s', (_who, accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });
});
