import { describe, expect, it } from 'vitest';
import { escapeHtml, html, isSafeHtml } from '../../../target-app/security/html.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '`${alert(1)}`',
  '&lt;already&gt;',
];

describe('escapeHtml', () => {
  it.each(PAYLOADS)('leaves no markup-significant character in %s', (payload) => {
    const out = escapeHtml(payload);
    expect(out).not.toMatch(/[<>"'`]/);
    // & only as the start of an entity we wrote
    expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
  });

  it('renders non-strings and nullish values safely', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('html`...`', () => {
  it('escapes every interpolated value in text and quoted attributes', () => {
    const name = '<b onclick="x()">Bob</b>';
    const out = html`<p title="${name}">${name}</p>`.toString();
    expect(out).toBe(
      '<p title="&lt;b onclick=&quot;x()&quot;&gt;Bob&lt;/b&gt;">&lt;b onclick=&quot;x()&quot;&gt;Bob&lt;/b&gt;</p>',
    );
  });

  it('nests templates without double-escaping and escapes each array element', () => {
    const rows = ['<i>a</i>', 'b&c'].map((v) => html`<li>${v}</li>`);
    const out = html`<ul>
      ${rows}
    </ul>`;
    expect(isSafeHtml(out)).toBe(true);
    expect(String(out).replace(/>\s+</g, '><')).toBe(
      '<ul><li>&lt;i&gt;a&lt;/i&gt;</li><li>b&amp;c</li></ul>',
    );
  });

  it('does not trust a look-alike object from JSON', () => {
    const forged = JSON.parse('{"value":"<script>x</script>"}') as unknown;
    expect(String(html`${forged}`)).not.toContain('<script>');
  });

  it('renders null, undefined and false as nothing', () => {
    expect(String(html`a${null}b${undefined}c${false}d`)).toBe('abcd');
  });
});
