import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as probes from '../../probes/index.js';
import type {
  DbConnectionLike,
  InstrumentDbOptions,
  StartTracingOptions,
  TracerPipeline,
  TracingHandle,
  TracingMode,
} from '../../probes/index.js';

describe('probes/index.ts, the public door', () => {
  it('holds re-exports only, of the public functions and the types in types.ts', () => {
    const source = readFileSync(new URL('../../probes/index.ts', import.meta.url), 'utf8');
    const statements = source
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const statement of statements) expect(statement).toMatch(/^export [\s\S]* from '\.\/[a-z/-]+\.js'$/);
    expect(source).toMatch(/export type \{[^}]*\} from '\.\/types\.js'/);
    expect(Object.keys(probes).sort()).toEqual(
      ['SECRET_KEYS', 'createProbes', 'metricNames', 'parseSql', 'redactSecrets', 'startTracing'].sort(),
    );
  });

  it("names the types of startTracing's options and handle, and of instrumentDb's connection", () => {
    expectTypeOf<StartTracingOptions['tracer']>().toEqualTypeOf<TracerPipeline | undefined>();
    expectTypeOf<StartTracingOptions['mode']>().toEqualTypeOf<TracingMode | undefined>();
    expectTypeOf(probes.startTracing).returns.resolves.toEqualTypeOf<TracingHandle>();
    expectTypeOf<TracingHandle['pipeline']>().toEqualTypeOf<TracerPipeline>();
    expectTypeOf<InstrumentDbOptions['connection']>().toEqualTypeOf<DbConnectionLike | undefined>();
  });
});
