// ISO 8601 UTC timestamps at second precision, as every body shows them ("2026-02-02T19:30:00Z").
// Probes arrive thousands of times a second under load; the string is rebuilt once per second.

let cachedSecond = -1;
let cachedText = '';

export function isoTimestamp(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return cachedText;
}
