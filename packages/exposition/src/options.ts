// The options shape of this package's one factory, `snapshotSource()`: types, defaults and the
// README's options table come from it.
import { defineShape, opt, type OptionsOf } from '@sightline/core/internal';

/** The options of `snapshotSource()`, declared once. */
export const SNAPSHOT_SOURCE_SHAPE = defineShape({
  defaultLabels: opt.record(opt.string(), {
    env: false,
    doc: 'Labels added to every sample that does not set them itself.',
  }),
});

/** Options of `snapshotSource()`. */
export type SnapshotSourceOptions = OptionsOf<typeof SNAPSHOT_SOURCE_SHAPE>;
