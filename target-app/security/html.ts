/**
 * Output encoding for the few HTML pages the app renders (the admin page of a
 * later issue). Input is never "sanitized" on the way in; it is validated by
 * schema and escaped on the way out, here, for an HTML text or quoted
 * attribute context. Unquoted attributes, URLs, inline scripts and styles are
 * other contexts this does not cover: templates must not put values there.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};
const SPECIAL = /[&<>"'`]/g;

/** Escapes one value for HTML text or a quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(SPECIAL, (c) => ENTITIES[c] ?? c);
}

const SAFE = Symbol('perflab.safeHtml');

/** Markup produced by `html`; only this is ever inserted unescaped. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
  toString(): string;
}

const safe = (value: string): SafeHtml => ({ [SAFE]: true, value, toString: () => value });

export const isSafeHtml = (v: unknown): v is SafeHtml =>
  typeof v === 'object' && v !== null && (v as Partial<SafeHtml>)[SAFE] === true;

/**
 * Tagged template: the literal parts are trusted markup, every interpolated
 * value is escaped unless it is itself the result of `html` (so templates
 * nest). Arrays are joined, each element escaped the same way; null and
 * undefined render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return safe(out);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafeHtml(value)) return value.value;
  return escapeHtml(value);
}
