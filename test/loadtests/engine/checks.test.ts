import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import { mergeResults } from '../../../loadtests/result/merge.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { run } from '../../../loadtests/run.js';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import type { LoadModel } from '../../../loadtests/types.js';
import { openModel } from '../helpers/scenarios.js';
import type { TestServer } from '../helpers/test-server.js';
import { startTestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

// /wrong answers 200 {"status":"nope"}; /missing answers 404.
const scenario = defineScenario({
  name: 'checks',
  description: 'named checks that pass and fail',
  flows: [
    {
      name: 'f',
      steps: [
        {
          name: 'wrong',
          path: '/wrong',
          check: {
            status: 200,
            json: { status: 'ok' },
            custom: { 'is an object': (r) => typeof r.json === 'object', 'says yes': () => 'it said nope' },
          },
        },
      ],
    },
    { name: 'g', steps: [{ name: 'missing', path: '/missing' }] },
  ],
});

describe.each<[string, LoadModel]>([
  ['open', openModel(100)],
  ['closed', { kind: 'closed', connections: 2 }],
])('named checks and failure reasons, %s model', (_label, model) => {
  it('counts each check, keeps the reasons, and prints both', async () => {
    const r = await run({ target: server.url, scenario, model, durationMs: 500, scrape: false }).finished;
    const wrong = r.endpoints.wrong;
    const n = wrong?.requests ?? 0;
    expect(n).toBeGreaterThan(5);
    // Every named check is evaluated on every answer, even after the first failure.
    expect(wrong?.checks).toEqual({
      'status 200': { passes: n, fails: 0 },
      'json status': { passes: 0, fails: n },
      'is an object': { passes: n, fails: 0 },
      'says yes': { passes: 0, fails: n },
    });
    expect(wrong?.failures).toEqual({
      reasons: [{ reason: 'json status: expected "ok", got "nope"', count: n }],
      other: 0,
    });
    const missing = r.endpoints.missing;
    expect(missing?.failures?.reasons).toEqual([{ reason: 'status 404', count: missing?.requests }]);
    expect(missing?.checks).toBeUndefined();
    // result.json keeps them, and merging adds them up.
    const back = parseResult(JSON.parse(JSON.stringify(r)));
    expect(back.endpoints.wrong?.checks).toEqual(wrong?.checks);
    const twice = mergeResults([back, back]);
    expect(twice.endpoints.wrong?.checks?.['says yes']).toEqual({ passes: 0, fails: 2 * n });
    expect(twice.endpoints.wrong?.failures?.reasons[0]?.count).toBe(2 * n);
    const text = formatSummary(r);
    expect(text).toMatch(/wrong\s+json status\s+0%\s+\d+ of \d+ failed/);
    expect(text).toMatch(/wrong\s+status 200\s+100%\s+\d+ passed/);
    expect(text).toContain(`wrong: json status: expected "ok", got "nope" ×${n}`);
    expect(text).toContain(`missing: status 404 ×${missing?.requests}`);
  });
});

describe('failure reasons stay bounded', () => {
  it('keeps 5 distinct reasons and counts the rest as other', async () => {
    let i = 0;
    const many = defineScenario({
      name: 'many',
      description: 'a custom check whose message carries a counter',
      flows: [
        { name: 'f', steps: [{ name: 'fast', path: '/fast', check: { custom: () => `nope ${i++}` } }] },
      ],
    });
    const r = await run({
      target: server.url,
      scenario: many,
      model: openModel(100),
      durationMs: 300,
      scrape: false,
    }).finished;
    const f = r.endpoints.fast?.failures;
    expect(f?.reasons).toHaveLength(5);
    expect((f?.reasons.reduce((s, x) => s + x.count, 0) ?? 0) + (f?.other ?? 0)).toBe(
      r.endpoints.fast?.requests,
    );
  });
});
