import fc from 'fast-check';
import { encodeWsFrame, parseWsFrame } from '../src/index.js';

describe('WebSocket frames', () => {
  it('encodes {id, timestamp, signature, body} with the body as a string', () => {
    const frame = encodeWsFrame({ id: 1, timestamp: '1700000000000', signature: 'v1=ab', body: '{"v":1,"metrics":[]}' });
    expect(frame).toBe('{"id":1,"timestamp":"1700000000000","signature":"v1=ab","body":"{\\"v\\":1,\\"metrics\\":[]}"}');
  });

  it('property: a frame parses back to what was encoded', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.string(), fc.string(), fc.string({ unit: 'binary' }), (id, timestamp, signature, body) => {
        expect(parseWsFrame(encodeWsFrame({ id, timestamp, signature, body }))).toEqual({ ok: true, id, timestamp, signature, body });
      }),
    );
  });

  it('names what is wrong, keeping the id when there is one to ack', () => {
    expect(parseWsFrame('{')).toEqual({ ok: false, id: null, error: expect.stringMatching(/^invalid frame JSON: /) as string });
    expect(parseWsFrame('[1]')).toEqual({
      ok: false,
      id: null,
      error: 'frame must be a JSON object {id, timestamp, signature, body}, got [1]',
    });
    expect(parseWsFrame('{"id":"1","body":""}')).toEqual({ ok: false, id: null, error: 'frame "id" must be an integer, got "1"' });
    expect(parseWsFrame('{"id":1.5,"body":""}')).toEqual({ ok: false, id: null, error: 'frame "id" must be an integer, got 1.5' });
    expect(parseWsFrame('{"id":7,"body":{"v":1}}')).toEqual({
      ok: false,
      id: 7,
      error: 'frame "body" must be the batch JSON as a string, got an object',
    });
  });

  it('leaves a timestamp or signature that is not a string undefined, for verification to refuse', () => {
    expect(parseWsFrame('{"id":3,"timestamp":17,"body":"{}"}')).toEqual({
      ok: true,
      id: 3,
      timestamp: undefined,
      signature: undefined,
      body: '{}',
    });
  });
});
