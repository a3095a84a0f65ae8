// What users install in the release-flow test, and the small programs they run with it. Each
// program prints one JSON line as its last output; `check` asserts on it.

export interface Consumer {
  readonly title: string;
  /** Exactly the packages the user installs. */
  readonly install: readonly string[];
  readonly files: Readonly<Record<'consumer.cjs' | 'consumer.mjs' | 'consumer.ts', string>>;
  readonly check: (result: Record<string, unknown>) => void;
  /** @sightline/* dependencies other than core a package may declare. */
  readonly allowedSightlineDeps?: Readonly<Record<string, readonly string[]>>;
  readonly env?: () => NodeJS.ProcessEnv;
}

const coreProgram = `
  const seen = [];
  const hooks = core.combineHooks({ onRequest: (op, s) => seen.push(op) }, { onRequest: (op) => seen.push(op + '!') });
  core.toDispatcher(hooks).onRequest('publish', 0.1);
  const value = await core.timed(hooks, 'timed', async () => 42);
  console.log(JSON.stringify({ seen, value, level: core.getLogger('sightline.user').level }));
`;

export const CONSUMERS: readonly Consumer[] = [
  {
    title: '@sightline/core alone',
    install: ['@sightline/core'],
    files: {
      'consumer.cjs': `const core = require('@sightline/core');\n(async () => {${coreProgram}})();\n`,
      'consumer.mjs': `import * as core from '@sightline/core';\n${coreProgram}\n`,
      'consumer.ts': `import { combineHooks, timed, type MetricsHooks } from '@sightline/core';
const hooks: MetricsHooks = combineHooks({ onRequest: (op: string, secs: number) => void [op, secs] });
export const result: Promise<number> = timed(hooks, 'op', async () => 1);
`,
    },
    check: (r) => expect(r).toEqual({ seen: ['publish', 'publish!', 'timed', 'timed!'], value: 42, level: 'warn' }),
  },
];
