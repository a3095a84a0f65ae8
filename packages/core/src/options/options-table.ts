// The options table of a package's README, written from the shape itself, so the default and the
// variable a user reads are the ones the code applies.
import { envReadable, envVarName } from './env-options.js';
import type { Field, Shape } from './field.js';
import { expectedText } from './schema.js';

function defaultText(field: Field): string {
  if (field.defaultText !== undefined) return field.defaultText;
  if (field.default === undefined) return field.required ? 'required' : '';
  if (typeof field.default === 'function') return '';
  const text = JSON.stringify(field.default);
  return text === undefined ? '' : `\`${text}\``;
}

function rows(shape: Shape, pkg: string | undefined, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const here = [...path, key];
    const variable = pkg !== undefined && field.kind !== 'object' && envReadable(field) ? `\`${envVarName(pkg, here)}\`` : '';
    // An object read from no variable gives none to its fields either.
    const inner = field.env === false ? undefined : pkg;
    const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const aliases = field.aliases?.length ? ` Elsewhere called ${field.aliases.map((a) => `\`${a}\``).join(', ')}.` : '';
    out.push(
      `| \`${here.join('.')}\` | ${cell(expectedText(field))} | ${cell(defaultText(field))} | ${variable} | ${cell((field.doc ?? '') + aliases)} |`,
    );
    if (field.kind === 'object') out.push(...rows(field.shape, inner, here));
  }
  return out;
}

/**
 * A Markdown table of a shape's options: name (nested ones dotted), what it accepts, its default,
 * its environment variable (when `pkg` is given and the option can be read from one) and its doc line.
 */
export function optionsTable(shape: Shape, pkg?: string): string {
  return ['| option | accepts | default | environment | what it does |', '|---|---|---|---|---|', ...rows(shape, pkg, [])].join('\n');
}
