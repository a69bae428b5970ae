import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MICRO_CONFIGS } from '../../../bench/lib/micro-configs.js';
import {
  parseExtraSpecs,
  parseMicroContenders,
  selectRows,
  type ServerSpec,
} from '../../../bench/lib/variants.js';

const checkout = (file: string) => (path: string) => path === `/elsewhere/${file}`;

describe('parseExtraSpecs (BENCH_TARGET_EXTRA)', () => {
  it('takes variants, with a cwd that is a perflab checkout', () => {
    const json = JSON.stringify([
      {
        name: 'full (before)',
        variant: 'target-full',
        register: './target-app/register.ts',
        cwd: '/elsewhere',
      },
      { name: 'spans', variant: 'target-full', env: { OTEL_TRACES_EXPORTER: 'none' } },
    ]);
    const specs = parseExtraSpecs(json, checkout('bench/probes-server.ts'));
    expect(specs.map((s) => [s.name, s.cwd])).toEqual([
      ['full (before)', '/elsewhere'],
      ['spans', undefined],
    ]);
  });

  it.each([
    ['not JSON', '{name:', /BENCH_TARGET_EXTRA: expected a JSON array .*invalid JSON/],
    ['not an array', '{"name":"x","variant":"y"}', /BENCH_TARGET_EXTRA: expected a JSON array/],
    ['an entry without a variant', '[{"name":"x"}]', /entry 0 needs a string name and variant/],
    ['a null entry', '[null]', /entry 0 needs a string name and variant/],
    [
      'a cwd that is not a checkout',
      '[{"name":"x","variant":"target-full","cwd":"/nowhere"}]',
      /entry 0: cwd \/nowhere is not a perflab checkout/,
    ],
  ])('refuses %s, naming the variable and the problem', (_what, json, message) => {
    expect(() => parseExtraSpecs(json, checkout('bench/probes-server.ts'))).toThrow(message);
  });
});

describe('parseMicroContenders (BENCH_MICRO_CONFIGS, BENCH_MICRO_BEFORE)', () => {
  const child = checkout('bench/probes-micro-child.ts');

  it('runs every configuration by default', () => {
    expect(parseMicroContenders(undefined, undefined, child).map((c) => c.name)).toEqual([...MICRO_CONFIGS]);
  });

  it('runs a subset, always with bare, and each but bare from the other checkout too', () => {
    const list = parseMicroContenders(' full, metrics ', '/elsewhere', child);
    expect(list).toEqual([
      { name: 'bare', config: 'bare' },
      { name: 'metrics', config: 'metrics' },
      { name: 'metrics (before)', config: 'metrics', cwd: '/elsewhere' },
      { name: 'full', config: 'full' },
      { name: 'full (before)', config: 'full', cwd: '/elsewhere' },
    ]);
  });

  it('refuses an unknown configuration, naming the valid ones', () => {
    expect(() => parseMicroContenders('full,fastest', undefined, child)).toThrow(
      `BENCH_MICRO_CONFIGS: "fastest" is not one of ${MICRO_CONFIGS.join(', ')}`,
    );
  });

  it('refuses a BENCH_MICRO_BEFORE that is not a checkout', () => {
    expect(() => parseMicroContenders(undefined, '/nowhere', child)).toThrow(
      'BENCH_MICRO_BEFORE: /nowhere is not a perflab checkout',
    );
  });
});

describe('the bench scripts on bad variants', () => {
  it.each([
    ['bench/probes.ts', { BENCH_TARGET_EXTRA: '[{"name":"x"}]' }, 'BENCH_TARGET_EXTRA: entry 0 needs'],
    ['bench/probes-micro.ts', { BENCH_MICRO_CONFIGS: 'fastest' }, 'BENCH_MICRO_CONFIGS: "fastest"'],
  ])('%s stops before starting anything, with the message and no stack', (script, env, message) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('selectRows (BENCH_ONLY)', () => {
  const row = (name: string): ServerSpec => ({ name, variant: name });
  const trivial = [row('bare'), row('bare (control)'), row('metrics+logs, app wrapped'), row('full probes')];
  const target = [row('target bare'), row('target full')];
  const names = (tables: ServerSpec[][]) => tables.map((t) => t.map((s) => s.name));

  it('keeps every row when unset or blank', () => {
    expect(names(selectRows(undefined, [trivial, target]))).toEqual(names([trivial, target]));
    expect(names(selectRows(' ; ', [trivial, target]))).toEqual(names([trivial, target]));
  });

  it('keeps the named rows (names hold commas) beside each bare, and drops a table left bare', () => {
    expect(names(selectRows('metrics+logs, app wrapped ;full probes', [trivial, target]))).toEqual([
      ['bare', 'metrics+logs, app wrapped', 'full probes'],
      [],
    ]);
    expect(names(selectRows('target full', [trivial, target]))).toEqual([[], ['target bare', 'target full']]);
  });

  it('names an unknown row and lists the known ones; a baseline is not a row to pick', () => {
    expect(() => selectRows('full probe', [trivial, target])).toThrow(
      'BENCH_ONLY: "full probe" is not a row; the rows are: bare (control); metrics+logs, app wrapped; full probes; target full',
    );
    expect(() => selectRows('bare', [trivial, target])).toThrow('BENCH_ONLY: "bare" is not a row');
  });
});
