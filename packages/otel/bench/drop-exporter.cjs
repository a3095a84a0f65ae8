// A span exporter that counts what it is given and keeps the first server span, for the benches'
// report: nothing leaves the process.
'use strict';
const kept = { spans: 0, span: undefined };
const dropExporter = {
  export(spans, done) {
    kept.spans += spans.length;
    kept.span ??= spans.find((s) => s.kind === 1);
    done({ code: 0 });
  },
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
};
module.exports = { kept, dropExporter };
