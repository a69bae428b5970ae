import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const roots = ['common', 'target-app', 'probes', 'loadtests', 'dashboards', 'bin'];

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.(ts|js)$/.test(name)) out.push(path);
  }
  return out;
}

describe('coded errors', () => {
  const docs = readFileSync('docs/errors.md', 'utf8');
  const used = new Map<string, string>();
  for (const file of roots.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/PERFLAB_E_[A-Z0-9_]*[A-Z0-9]/g)) {
      used.set(match[0], file);
    }
  }

  it('finds the codes the source uses', () => {
    expect(used.size).toBeGreaterThan(0);
  });

  it('documents every code in docs/errors.md', () => {
    const missing = [...used]
      .filter(([code]) => !docs.includes(`\`${code}\``))
      .map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });
});
