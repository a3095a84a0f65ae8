import fc from 'fast-check';
import { parseIncoming, parseRequest } from '../src/protocol.js';

describe('parseRequest', () => {
  it('reads a request with a number or string id', () => {
    expect(parseRequest('{"id":1,"op":"add","payload":{"a":1}}')).toEqual({ ok: true, id: 1, op: 'add', payload: { a: 1 } });
    expect(parseRequest('{"id":"x-1","op":"ping"}')).toEqual({ ok: true, id: 'x-1', op: 'ping', payload: undefined });
  });

  it.each([
    ['nope', null, 'frame is not valid JSON: expected {"id","op","payload"}'],
    ['null', null, 'frame is not a JSON object: expected {"id","op","payload"}'],
    ['[{"id":1}]', null, 'frame is not a JSON object: expected {"id","op","payload"}'],
    ['{"op":"add"}', null, 'frame has no valid "id": expected a string or a finite number'],
    ['{"id":true,"op":"add"}', null, 'frame has no valid "id": expected a string or a finite number'],
    ['{"id":7}', 7, 'frame has no valid "op": expected a non-empty string'],
    ['{"id":7,"op":""}', 7, 'frame has no valid "op": expected a non-empty string'],
    ['{"id":"a","op":3}', 'a', 'frame has no valid "op": expected a non-empty string'],
  ])('refuses %s with id %p and a message naming the problem', (text, id, message) => {
    expect(parseRequest(text)).toEqual({ ok: false, id, message });
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const result = parseRequest(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('reads back every well-formed request (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), fc.string({ minLength: 1 }), fc.jsonValue(), (id, op, payload) => {
        const text = JSON.stringify({ id, op, payload });
        expect(parseRequest(text)).toEqual({ ok: true, id, op, payload: JSON.parse(JSON.stringify(payload)) as unknown });
      }),
    );
  });
});

describe('parseIncoming', () => {
  it('tells replies, pushes and neither apart', () => {
    expect(parseIncoming('{"id":1,"ok":true,"result":5}')).toEqual({ kind: 'reply', frame: { id: 1, ok: true, result: 5 } });
    expect(parseIncoming('{"id":2,"ok":false,"error":{"type":"E","message":"m"}}')).toEqual({
      kind: 'reply',
      frame: { id: 2, ok: false, error: { type: 'E', message: 'm' } },
    });
    expect(parseIncoming('{"id":null,"ok":false,"error":{}}')).toEqual({
      kind: 'reply',
      frame: { id: null, ok: false, error: { type: 'Error', message: '' } },
    });
    expect(parseIncoming('{"op":"tick","payload":[1]}')).toEqual({ kind: 'push', frame: { op: 'tick', payload: [1] } });
    expect(parseIncoming('{"op":""}')).toMatchObject({ kind: 'invalid' });
    expect(parseIncoming('{"id":1,"ok":"yes"}')).toMatchObject({ kind: 'invalid' });
    expect(parseIncoming('3')).toEqual({ kind: 'invalid', message: 'frame is not a JSON object' });
    expect(parseIncoming('{')).toEqual({ kind: 'invalid', message: 'frame is not valid JSON' });
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(['reply', 'push', 'invalid']).toContain(parseIncoming(text).kind);
      }),
    );
  });
});
