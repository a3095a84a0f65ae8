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
    // One copy of the package across entry points (`x` and `x/testing` share chunks), in ESM and in
    // CommonJS alike, so `instanceof` and module state hold across them.
    splitting: true,
    treeshake: true,
    ...extra,
  });
}
