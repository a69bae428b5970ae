import { z } from 'zod';
import { PerflabError } from '../../common/perflab-error.js';
import { E_SCENARIO_INVALID } from '../error-codes.js';
import type { Scenario, ScenarioDefinition } from '../types.js';
import { POLL_LIMITS } from './poll.js';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const nonEmpty = z.string().min(1);
const template = <T extends z.ZodType>(schema: T) => z.union([schema, fn]);

/** A whole number from 1 to `max`; the message names both bounds. */
const boundedCount = (max: number) =>
  z
    .number()
    .int(`expected a positive integer, at most ${max}`)
    .min(1, `expected a positive integer, at most ${max}`)
    .max(max, `expected a positive integer, at most ${max}`);

const pollSchema = z
  .object({
    until: fn,
    intervalMs: boundedCount(POLL_LIMITS.maxIntervalMs),
    maxAttempts: boundedCount(POLL_LIMITS.maxAttempts),
  })
  .strict();

const stepSchema = z.object({
  name: nonEmpty,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).optional(),
  path: template(z.string().startsWith('/', 'expected a path starting with "/"')),
  headers: template(z.record(z.string(), z.string())).optional(),
  body: z.unknown().optional(),
  form: template(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).optional(),
  rawBody: template(z.string()).optional(),
  thinkTime: z.lazy(() => thinkTimeSchema).optional(),
  once: z.boolean().optional(),
  capture: z.record(z.string(), z.union([nonEmpty, fn])).optional(),
  check: z
    .object({
      status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
      json: z.record(z.string(), z.unknown()).optional(),
      custom: z.union([fn, z.record(z.string().min(1), fn)]).optional(),
    })
    .strict()
    .optional(),
  poll: pollSchema.optional(),
});

const thinkTimeSchema = z.union([
  z.number().nonnegative(),
  z
    .object({ min: z.number().nonnegative(), max: z.number().nonnegative() })
    .refine((t) => t.max >= t.min, 'expected max >= min'),
]);

const scenarioSchema = z.object({
  name: nonEmpty,
  description: z.string(),
  setup: fn.optional(),
  flows: z
    .array(
      z.object({
        name: nonEmpty,
        weight: z.number().positive().optional(),
        steps: z.array(stepSchema.strict()).min(1, 'expected at least one step'),
      }),
    )
    .min(1, 'expected at least one flow'),
  thinkTime: thinkTimeSchema.optional(),
  cookies: z.boolean().optional(),
  session: z.enum(['iteration', 'user']).optional(),
  thresholds: z.array(z.string()).optional(),
});

/** `flows[0].steps[1].method` style path of the first zod issue. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Validates a scenario object. Throws PERFLAB_E_SCENARIO_INVALID naming the
 * source (when known) and the field that is wrong.
 */
export function validateScenario(value: unknown, source?: string): Scenario {
  // Re-validating a defineScenario() result is fine: its own markers are not user fields.
  const { kind: _kind, source: _source, ...fields } = (value ?? {}) as Record<string, unknown>;
  const parsed = scenarioSchema
    .strict()
    .safeParse(value === null || typeof value !== 'object' ? value : fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issuePath(issue.path) || '(root)' : '(root)';
    const where = source ? `${source}: ` : '';
    throw new PerflabError(
      E_SCENARIO_INVALID,
      `${where}invalid scenario field "${field}": ${issue?.message ?? 'invalid'}`,
    );
  }
  const scenario = fields as unknown as ScenarioDefinition<unknown>;
  for (const [i, flow] of scenario.flows.entries()) {
    for (const [j, step] of flow.steps.entries()) {
      const bodies = [step.body, step.form, step.rawBody].filter((b) => b !== undefined).length;
      if (bodies > 1) {
        throw new PerflabError(
          E_SCENARIO_INVALID,
          `${source ? `${source}: ` : ''}invalid scenario field "flows[${i}].steps[${j}]": use one of body, form and rawBody`,
        );
      }
    }
  }
  const names = new Set<string>();
  for (const flow of scenario.flows) {
    if (names.has(`flow:${flow.name}`)) {
      throw new PerflabError(
        E_SCENARIO_INVALID,
        `${source ? `${source}: ` : ''}duplicate flow name "${flow.name}"`,
      );
    }
    names.add(`flow:${flow.name}`);
  }
  return { ...scenario, kind: 'perflab-scenario', ...(source !== undefined ? { source } : {}) };
}

/**
 * Declares a scenario. The setup result type flows into every step template,
 * so `({ data }) => data.productIds[0]` is checked by the compiler.
 */
export function defineScenario<TData = undefined>(definition: ScenarioDefinition<TData>): Scenario {
  return validateScenario(definition);
}
