import { configureLogging, getLogger, InvalidLogLevelError, setLogLevel, setLogSink, type LogRecord } from '../../src/index.js';
import { aliasLoggerName, formatLogLine, resetLogging } from '../../src/internal.js';

function capture(env: NodeJS.ProcessEnv = {}) {
  const records: LogRecord[] = [];
  resetLogging(env);
  setLogSink((r) => records.push(r));
  return records;
}

const emitted = (records: LogRecord[]) => records.map((r) => `${r.logger}:${r.level}:${r.message}`);

describe('logger hierarchy', () => {
  afterEach(() => resetLogging({}));

  it('prints nothing below warn by default', () => {
    const records = capture();
    const log = getLogger('sightline.stats');
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(emitted(records)).toEqual(['sightline.stats:warn:w', 'sightline.stats:error:e']);
    expect(log.level).toBe('warn');
  });

  it('inherits the level of the nearest configured ancestor', () => {
    const records = capture();
    setLogLevel('sightline', 'info');
    setLogLevel('sightline.ws', 'error');
    setLogLevel('sightline.ws.client', 'debug');
    expect(getLogger('sightline.stats').level).toBe('info');
    expect(getLogger('sightline.ws').level).toBe('error');
    expect(getLogger('sightline.ws.server').level).toBe('error');
    expect(getLogger('sightline.ws.client').level).toBe('debug');
    expect(getLogger('sightline.ws.client.pool').level).toBe('debug');
    expect(getLogger('other').level).toBe('warn');

    getLogger('sightline.ws.server').warn('dropped');
    getLogger('sightline.ws.client.pool').debug('kept');
    getLogger('sightline.stats').info('kept too');
    expect(emitted(records)).toEqual(['sightline.ws.client.pool:debug:kept', 'sightline.stats:info:kept too']);
  });

  it("applies a level set on a renamed logger's former name, below its own level and above its ancestors'", () => {
    const records = capture({ SIGHTLINE_LOG: 'sightline.renamed.old=debug' });
    aliasLoggerName('sightline.renamed_new', 'sightline.renamed.old');
    setLogLevel('sightline.renamed', 'error');
    expect(getLogger('sightline.renamed_new').level).toBe('debug');
    expect(getLogger('sightline.renamed_new.child').level).toBe('debug');
    setLogLevel('sightline.renamed_new', 'warn');
    expect(getLogger('sightline.renamed_new').level).toBe('warn');
    setLogLevel('sightline.renamed_new', undefined);
    setLogLevel('sightline.renamed.old', undefined);
    setLogLevel('sightline', 'info');
    getLogger('sightline.renamed_new').info('from sightline, not from sightline.renamed');
    expect(emitted(records)).toEqual(['sightline.renamed_new:info:from sightline, not from sightline.renamed']);
  });

  it('follows a level change made after the logger was created', () => {
    const records = capture();
    const log = getLogger('sightline.late');
    log.info('before');
    setLogLevel('sightline', 'info');
    log.info('after');
    setLogLevel('sightline', undefined);
    log.info('cleared');
    expect(emitted(records)).toEqual(['sightline.late:info:after']);
  });

  it('reads levels from SIGHTLINE_LOG', () => {
    const records = capture({ SIGHTLINE_LOG: 'sightline.stats=debug, sightline.ws=error,info' });
    expect(getLogger('sightline.stats.http').level).toBe('debug');
    expect(getLogger('sightline.ws.client').level).toBe('error');
    expect(getLogger('anything').level).toBe('info');
    getLogger('sightline.stats.http').debug('visible');
    getLogger('sightline.ws').warn('hidden');
    expect(emitted(records)).toEqual(['sightline.stats.http:debug:visible']);
  });

  it('accepts Python level names and warns once about a bad entry without throwing', () => {
    const records = capture();
    configureLogging({ spec: 'sightline.a=WARNING,sightline.b=loud' });
    expect(getLogger('sightline.a').level).toBe('warn');
    expect(getLogger('sightline.b').level).toBe('warn');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ logger: 'sightline.logging', level: 'warn' });
    expect(records[0]!.message).toContain('"loud"');
  });

  it('throws a clear error for a bad level set in code', () => {
    expect(() => setLogLevel('sightline', 'verbose' as never)).toThrow(InvalidLogLevelError);
    expect(() => setLogLevel('sightline', 'verbose' as never)).toThrow(
      'Invalid level for "sightline" "verbose": expected one of trace, debug, info, warn, error, silent',
    );
  });

  it('passes fields to the sink and formats them on one line', () => {
    const records = capture();
    getLogger('sightline.stats').error('send failed', { attempt: 3, host: 'stats.local', reason: 'timed out' });
    expect(records[0]!.fields).toEqual({ attempt: 3, host: 'stats.local', reason: 'timed out' });
    const line = formatLogLine({ ...records[0]!, time: new Date('2026-01-02T03:04:05.678Z') });
    expect(line).toBe('2026-01-02T03:04:05.678Z ERROR sightline.stats send failed attempt=3 host=stats.local reason="timed out"');
  });

  it('survives a sink that throws', () => {
    capture();
    setLogSink(() => {
      throw new Error('sink down');
    });
    expect(() => getLogger('sightline.x').error('still fine')).not.toThrow();
  });

  it('gives children dotted names and one logger per name', () => {
    const parent = getLogger('sightline.ws');
    expect(parent.child('client').name).toBe('sightline.ws.client');
    expect(parent.child('client')).toBe(getLogger('sightline.ws.client'));
    expect(parent.isEnabled('warn')).toBe(true);
    expect(parent.isEnabled('info')).toBe(false);
  });
});

describe('default stderr sink', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes warn and above to stderr as one line each, nothing to stdout', () => {
    resetLogging({});
    const err: string[] = [];
    const out: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const log = getLogger('sightline.demo');
    log.debug('debug line');
    log.info('info line');
    log.warn('warn line', { n: 1 });
    jest.restoreAllMocks();
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN {2}sightline\.demo warn line n=1\n$/);
  });
});
