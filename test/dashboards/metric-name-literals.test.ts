import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as RW from '../../loadtests/outputs/remote-write/metric-names.js';
import * as N from '../../probes/metric-names.js';
import { namesOf, retypedNames, stringLiteralsOf } from './helpers.js';

// The dashboards and rules import every name a perflab names module owns. A
// name typed out again (in dashboards/lib/external-metric-names.ts, a panel's
// PromQL or a rule) would keep passing the other tests until the two spellings
// drift apart, so the sources may not contain one.

const OWNED = new Set(namesOf(N, RW));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('dashboards/**/*.ts', () => {
  it('spell no metric or label name that probes/ or the remote-write output exports', () => {
    const found = sourcesUnder('dashboards').flatMap((file) =>
      stringLiteralsOf(file, readFileSync(file, 'utf8')).flatMap((literal) =>
        retypedNames(literal.text, OWNED).map((name) => `${file}:${literal.line}: ${name}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('the check catches a retyped name, alone or inside PromQL', () => {
    const source = [
      `export const FLAG = '${N.FLAG_ENABLED}';`,
      `const expr = \`sum(rate(${N.HTTP_SERVER_REQUEST_DURATION}_count{job="x"}[5m]))\`;`,
      'const fine = `sum by (${N.LABEL_ROUTE}) (x)`;',
      "const prose = 'an event or other result';",
    ].join('\n');
    const hits = stringLiteralsOf('x.ts', source).flatMap((l) => retypedNames(l.text, OWNED));
    expect(hits).toEqual([N.FLAG_ENABLED, `${N.HTTP_SERVER_REQUEST_DURATION}_count`]);
  });
});
