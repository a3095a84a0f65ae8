// Shared tsup settings: every package ships ESM (.js), CommonJS (.cjs) and both flavours of types.
import { defineConfig, type Options } from 'tsup';

export function packageConfig(entry: Record<string, string> = { index: 'src/index.ts' }, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
