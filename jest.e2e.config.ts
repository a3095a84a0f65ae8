/**
 * @jest-config-loader ts-node
 * @jest-config-loader-options {"compilerOptions": {"module": "CommonJS", "moduleResolution": "Node10", "verbatimModuleSyntax": false}}
 */
// The pragma lets `pnpm --filter <pkg> test` load this file from a package folder, whose tsconfig is ESM.
import type { Config } from 'jest';
import { projects } from './jest.projects';

// End-to-end tests against system packages (Prometheus, Chromium) and a real registry.
const config: Config = {
  projects: projects('e2e'),
  testTimeout: 120_000,
  maxWorkers: 1,
  reporters: ['default', ['<rootDir>/scripts/jest-count-reporter.cjs', { file: 'e2e' }]],
};

export default config;
