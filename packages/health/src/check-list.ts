// What a HealthCheck must look like, checked where checks come in: the options and `addCheck()`.
import type { HealthCheck } from '@sightline/core';
import { describeValue, opt, validateField } from '@sightline/core/internal';
import { HealthConfigError } from './errors.js';

const TIMEOUT_FIELD = opt.integer({ min: 0 });

/** `check` as a HealthCheck, or a `HealthConfigError` naming `where` and what is wrong. */
export function validateCheck(check: unknown, where: string): HealthCheck {
  const c = check as Partial<HealthCheck> | null;
  if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || c.name.length === 0 || typeof c.check !== 'function') {
    throw new HealthConfigError(
      `${where} must be a HealthCheck { name: non-empty string, check(): Promise<HealthResult> }, got ${describeValue(check)}`,
    );
  }
  validateField(TIMEOUT_FIELD, c.timeoutMs, `${where}.timeoutMs`, {
    source: `check "${c.name}"`,
    error: (message, details) => new HealthConfigError(message, details),
  });
  if (c.critical !== undefined && typeof c.critical !== 'boolean') {
    throw new HealthConfigError(`${where}.critical (check "${c.name}") must be a boolean, got ${describeValue(c.critical)}`);
  }
  return c as HealthCheck;
}

/** The checks of option `name`, each valid and named uniquely. */
export function checkList(name: string, checks: readonly unknown[]): readonly HealthCheck[] {
  const seen = new Set<string>();
  return Object.freeze(
    checks.map((c, i) => {
      const check = validateCheck(c, `${name}[${i}]`);
      if (seen.has(check.name)) throw new HealthConfigError(`${name} has two checks named "${check.name}": names must be unique`);
      seen.add(check.name);
      return check;
    }),
  );
}
