// Fan-out: several hooks objects behave as one, each call isolated from the others.
import { HOOK_NAMES, type HookName, type MetricsHooks } from './metrics-hooks.js';
import { reportHookFailure } from './safe-call.js';

type AnyHook = (a: string, b: never) => void;

function fanOut(name: HookName, fns: readonly AnyHook[]): AnyHook {
  return (a, b) => {
    for (let i = 0; i < fns.length; i++) {
      try {
        fns[i]!(a, b);
      } catch (error) {
        reportHookFailure(name, error);
      }
    }
  };
}

/**
 * Combines hooks objects: each hook calls every given object's hook in order. A hook that throws is
 * logged at debug and the rest still run. Hooks no object defines stay undefined, so they cost nothing.
 */
export function combineHooks(...hooks: ReadonlyArray<MetricsHooks | undefined>): Readonly<MetricsHooks> {
  const out: Record<string, AnyHook> = {};
  for (const name of HOOK_NAMES) {
    const fns = hooks.map((h) => h?.[name] as AnyHook | undefined).filter((fn): fn is AnyHook => !!fn);
    if (fns.length === 1) out[name] = fns[0]!;
    else if (fns.length > 1) out[name] = fanOut(name, fns);
  }
  return Object.freeze(out);
}
