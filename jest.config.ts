/**
 * @jest-config-loader ts-node
 * @jest-config-loader-options {"compilerOptions": {"module": "CommonJS", "moduleResolution": "Node10", "verbatimModuleSyntax": false}}
 */
// The pragma lets `pnpm --filter <pkg> test` load this file from a package folder, whose tsconfig is ESM.
import { availableParallelism } from 'node:os';
import type { Config } from 'jest';
import { projects } from './jest.projects';

const config: Config = {
  projects: projects('unit'),
  testTimeout: 20_000,
  // Most suites wait on sockets and child processes rather than the CPU: more workers than cores
  // keeps both cores busy (jest's default on 2 cores is a single worker). A number, not '150%':
  // jest reads a percentage above 100 as a plain count (150 workers).
  maxWorkers: Math.ceil(availableParallelism() * 1.5),
  // CI needs the summary line; the JSON file is what .ci/run counts.
  reporters: ['default', ['<rootDir>/scripts/jest-count-reporter.cjs', { file: 'unit' }]],
};

export default config;
