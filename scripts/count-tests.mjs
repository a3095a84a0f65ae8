#!/usr/bin/env node
// Sums the counts the test runs wrote to .test-counts/<kind>@<node major>.json and prints CI's
// closing lines: the whole, then one `Node.js <line>: N passed, N failed` line per line tested.
//   node scripts/count-tests.mjs --lines 20,22,24
// Every line must have run the unit suite, the package checks and the e2e suite; the first line
// also the snippets and the release flow, which do not depend on the Node.js line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '..', '.test-counts');
const flag = process.argv.indexOf('--lines');
const lines = (flag === -1 ? process.versions.node.split('.')[0] : process.argv[flag + 1]).split(',').filter(Boolean);
const PER_LINE = ['unit', 'packages', 'e2e'];
const ONCE = ['snippets', 'release'];

const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const byLine = new Map(lines.map((line) => [line, { passed: 0, failed: 0, skipped: 0 }]));
const problems = [];
for (const file of files) {
  const [kind, line] = file.slice(0, -'.json'.length).split('@');
  const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const total = byLine.get(line);
  if (total === undefined) {
    problems.push(`${file}: Node.js ${line} is not a line under test (${lines.join(', ')})`);
    continue;
  }
  // A run that executed no test (a broken testMatch, every suite filtered out) is a failure too.
  if (counts.passed + counts.failed === 0) {
    problems.push(`${file}: the ${kind} run executed no test`);
    total.failed++;
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
// A run that never reported counts as a failure, so a crashed runner cannot look green.
for (const [i, line] of lines.entries()) {
  for (const kind of [...PER_LINE, ...(i === 0 ? ONCE : [])]) {
    if (!files.includes(`${kind}@${line}.json`)) {
      problems.push(`the ${kind} run on Node.js ${line} reported nothing`);
      byLine.get(line).failed++;
    }
  }
}
for (const problem of problems) console.error(problem);

const text = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
const all = [...byLine.values()].reduce((a, b) => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
}));
console.log(`all lines: ${text(all)}`);
for (const [line, counts] of byLine) console.log(`Node.js ${line}: ${text(counts)}`);
process.exit(all.failed ? 1 : 0);
