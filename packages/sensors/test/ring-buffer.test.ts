import { RingBuffer } from '../src/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values for avg and max, and running totals of every value pushed', () => {
    const buffer = new RingBuffer(2);
    for (const v of [1, 2, 3, 10]) buffer.push(v);
    expect([buffer.toArray(), buffer.avg(), buffer.max()]).toEqual([[3, 10], 6.5, 10]);
    // The totals never forget: an average over any period is a difference of two readings.
    expect([buffer.pushedSum, buffer.pushedCount]).toEqual([16, 4]);
    buffer.clear();
    expect([buffer.size, buffer.pushedSum, buffer.pushedCount]).toEqual([0, 16, 4]);
  });
});
