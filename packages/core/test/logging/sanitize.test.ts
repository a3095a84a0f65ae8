import { getLogger } from '../../src/index.js';
import { formatLogLine, MAX_LOG_VALUE_LENGTH, sanitizeLogText } from '../../src/internal.js';
import { captureLogs } from '../helpers.js';

describe('logged values are escaped and bounded', () => {
  it('escapes ESC, NUL, BEL and newlines so a value cannot forge a line or drive a terminal', () => {
    expect(sanitizeLogText('a\u001b[31mred\u0000\u0007\nFAKE LINE\r\t')).toBe('a\\u001b[31mred\\u0000\\u0007\\nFAKE LINE\\r\\t');
    expect(sanitizeLogText('plain text, unchanged')).toBe('plain text, unchanged');
  });

  it('escapes the line separators and the bidirectional controls that reorder or split what a reader sees', () => {
    expect(sanitizeLogText('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(sanitizeLogText('a\u2028FAKE\u2029b')).toBe('a\\u2028FAKE\\u2029b');
    expect(sanitizeLogText('\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe(
      '\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069',
    );
    // Neighbours that are ordinary text stay: an en dash, a non-breaking space, Hebrew, an emoji.
    expect(sanitizeLogText('a\u2013b\u00a0c \u05e9\u05dc\u05d5\u05dd \u{1F600}')).toBe(
      'a\u2013b\u00a0c \u05e9\u05dc\u05d5\u05dd \u{1F600}',
    );
  });

  it(`cuts a value past ${MAX_LOG_VALUE_LENGTH} characters and says how much was left out`, () => {
    const out = sanitizeLogText('x'.repeat(10_000_000));
    expect(out).toBe(`${'x'.repeat(MAX_LOG_VALUE_LENGTH)}…[${10_000_000 - MAX_LOG_VALUE_LENGTH} more chars]`);
  });

  it('applies to the message and string fields before any sink sees them', () => {
    const { records, restore } = captureLogs();
    try {
      getLogger('sightline.test').warn(`bad\u0000line ${'y'.repeat(5_000_000)}`, { topic: `t\u001b${'z'.repeat(5_000_000)}`, n: 3 });
      const [record] = records;
      expect(record!.message.length).toBeLessThan(MAX_LOG_VALUE_LENGTH + 40);
      expect(record!.message.startsWith('bad\\u0000line')).toBe(true); // escaped, not raw
      expect(record!.message.includes(String.fromCharCode(0))).toBe(false);
      expect(record!.fields!.topic).toMatch(/^t\\u001bz+…\[\d+ more chars\]$/);
      expect(record!.fields!.n).toBe(3);
    } finally {
      restore();
    }
  });

  it('bounds what the stderr sink renders of objects and errors too, in one line', () => {
    const line = formatLogLine({
      time: new Date(0),
      logger: 'sightline.test',
      level: 'warn',
      message: 'm',
      fields: { error: new Error(`boom\n${'e'.repeat(100_000)}`), details: { nested: 'v'.repeat(100_000) } },
    });
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(3 * MAX_LOG_VALUE_LENGTH);
  });

  it('passes records with nothing to escape through unchanged (no copy on the common path)', () => {
    const { records, restore } = captureLogs();
    try {
      const fields = { op: 'order.create', count: 2 };
      getLogger('sightline.test').warn('ordinary', fields);
      expect(records[0]!.fields).toBe(fields);
    } finally {
      restore();
    }
  });
});
