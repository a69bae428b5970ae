import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_SCENARIOS,
  loadScenario,
  urlScenario,
} from '../../../loadtests/scenario-runtime/load-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'perflab-scenarios-'));
const defineUrl = new URL('../../../loadtests/scenario-runtime/define-scenario.ts', import.meta.url).href;
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadScenario', () => {
  it('loads a TypeScript scenario file through tsx', async () => {
    const path = file(
      'ok.ts',
      `import { defineScenario } from '${defineUrl}';
       const n: number = 3;
       export default defineScenario({ name: 'file', description: 'from a file', flows: [{ name: 'f', steps: [{ name: 's', path: '/' + n }] }] });`,
    );
    const s = await loadScenario(path);
    expect(s).toMatchObject({ kind: 'perflab-scenario', name: 'file', source: path });
  });

  it('validates a plain-object default export and names the file and field', async () => {
    const path = file(
      'plain.ts',
      `export default { name: 'p', description: '', flows: [{ name: 'f', steps: [{ name: 's' }] }] };`,
    );
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: invalid scenario field "flows[0].steps[0].path"`,
    );
  });

  it('names the file when it does not compile', async () => {
    const path = file('broken.ts', `export default defineScenario({ name: 'x', ;`);
    await expect(loadScenario(path)).rejects.toMatchObject({
      code: 'PERFLAB_E_SCENARIO_LOAD',
      message: expect.stringContaining(`${path}: cannot load scenario`) as string,
    });
  });

  it('names the file when defineScenario throws during import', async () => {
    const path = file(
      'invalid.ts',
      `import { defineScenario } from '${defineUrl}';
       export default defineScenario({ name: '', description: '', flows: [] });`,
    );
    await expect(loadScenario(path)).rejects.toThrow(
      new RegExp(`^${path.replace(/[.]/g, '\\.')}: invalid scenario field "name"`),
    );
  });

  it('needs a default export', async () => {
    const path = file('none.ts', `export const x = 1;`);
    await expect(loadScenario(path)).rejects.toThrow('no default export');
  });

  it('loads every bundled scenario by name and rejects unknown names', async () => {
    for (const name of Object.keys(BUNDLED_SCENARIOS)) {
      expect((await loadScenario(name)).name).toBe(name);
    }
    await expect(loadScenario('nope')).rejects.toMatchObject({ code: 'PERFLAB_E_SCENARIO_NOT_FOUND' });
  });
});

describe('urlScenario', () => {
  it('turns a URL into a one-step scenario and a target', () => {
    const { scenario, target } = urlScenario('http://127.0.0.1:3000/api/products?limit=5');
    expect(target).toBe('http://127.0.0.1:3000');
    expect(scenario.flows[0]?.steps[0]).toMatchObject({
      name: 'GET /api/products',
      path: '/api/products?limit=5',
    });
  });
});
