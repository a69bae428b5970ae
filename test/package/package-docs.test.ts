import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/package.md and package.json describe one thing, the package's runtime dependencies:
// a dependency added without saying what needs it fails here.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const doc = readFileSync(new URL('../../docs/package.md', import.meta.url), 'utf8');

/** The package cells of the table's rows, one row per dependency or group of them. */
function packageCells(): string[] {
  const section = doc.slice(doc.indexOf('## Dependencies'), doc.indexOf('### Install size'));
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|')[1] ?? '');
}

describe('docs/package.md', () => {
  it('names every runtime dependency of package.json in its dependency table, and no other', () => {
    const named = packageCells().flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    expect([...named].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});
