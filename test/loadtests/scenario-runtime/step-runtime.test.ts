import { describe, expect, it } from 'vitest';
import {
  evaluateResponse,
  flowPicker,
  getPath,
  needsBody,
  renderStep,
  thinkTimeMs,
} from '../../../loadtests/scenario-runtime/step-runtime.js';
import type { StepDefinition, StepResponse } from '../../../loadtests/types.js';
import { USER_AGENT } from '../../../loadtests/engine/user-agent.js';
import { packageVersion } from '../../../common/package-version.js';

const ctx = { data: { id: 7 }, vars: { token: 'abc', user: { id: 'u 1' } }, vu: 2, iteration: 0 };
const res = (status: number, json: unknown = {}): StepResponse => ({
  status,
  headers: {},
  text: JSON.stringify(json),
  json,
});

describe('renderStep', () => {
  it('interpolates placeholders from captures, url-encoded', () => {
    const r = renderStep({ name: 's', path: '/users/{{user.id}}?t={{token}}' }, ctx);
    expect(r).toEqual({
      method: 'GET',
      path: '/users/u%201?t=abc',
      headers: { 'user-agent': USER_AGENT },
      body: undefined,
    });
  });

  it('renders function templates and JSON bodies, defaulting to POST', () => {
    const step: StepDefinition<unknown> = {
      name: 's',
      path: ({ data }) => `/items/${(data as { id: number }).id}`,
      headers: ({ vars }) => ({ authorization: `Bearer ${String(vars.token)}` }),
      body: ({ vu }) => ({ vu }),
    };
    expect(renderStep(step, ctx)).toEqual({
      method: 'POST',
      path: '/items/7',
      headers: {
        'user-agent': USER_AGENT,
        authorization: 'Bearer abc',
        'content-type': 'application/json',
      },
      body: '{"vu":2}',
    });
  });

  it('says perflab/<version> as User-Agent unless the step sends its own, in any case', () => {
    expect(USER_AGENT).toBe(`perflab/${packageVersion()}`);
    expect(renderStep({ name: 's', path: '/', headers: { 'User-Agent': 'mine' } }, ctx).headers).toEqual({
      'User-Agent': 'mine',
    });
    expect(renderStep({ name: 's', path: '/', headers: { 'user-agent': 'mine' } }, ctx).headers).toEqual({
      'user-agent': 'mine',
    });
  });
});

describe('evaluateResponse', () => {
  it('treats non-2xx as an error unless the check expects that status', () => {
    expect(evaluateResponse({ name: 's', path: '/' }, res(500), {}).error).toBe('non2xx');
    expect(
      evaluateResponse({ name: 's', path: '/', check: { status: 404 } }, res(404), {}).error,
    ).toBeUndefined();
    expect(evaluateResponse({ name: 's', path: '/', check: { status: [201] } }, res(200), {}).error).toBe(
      'checkFailed',
    );
  });

  it('checks JSON fields for presence and equality', () => {
    const step = { name: 's', path: '/', check: { json: { 'items.0.id': 3, next: true } } };
    expect(evaluateResponse(step, res(200, { items: [{ id: 3 }], next: 'c' }), {}).error).toBeUndefined();
    expect(evaluateResponse(step, res(200, { items: [{ id: 4 }], next: 'c' }), {}).reason).toBe(
      'json items.0.id: expected 3, got 4',
    );
    expect(evaluateResponse(step, res(200, { items: [{ id: 3 }], next: null }), {}).error).toBe(
      'checkFailed',
    );
  });

  it('counts a throwing custom check as a failed check, not a crash', () => {
    const step = {
      name: 's',
      path: '/',
      check: {
        custom: () => {
          throw new Error('boom');
        },
      },
    };
    expect(evaluateResponse(step, res(200), {}).error).toBe('checkFailed');
  });

  it('captures by path or function, and only when all checks pass', () => {
    const vars = {};
    const step = {
      name: 's',
      path: '/',
      capture: { token: 'token', len: (r: StepResponse) => r.text.length },
    };
    expect(evaluateResponse(step, res(200, { token: 't1' }), vars)).toEqual({
      checks: [
        ['capture token', true],
        ['capture len', true],
      ],
    });
    expect(vars).toEqual({ token: 't1', len: 14 });
    const later = {};
    expect(evaluateResponse(step, res(200, { nope: 1 }), later)).toEqual({
      error: 'checkFailed',
      reason: 'capture token: nothing there',
      checks: [
        ['capture token', false],
        ['capture len', true],
      ],
    });
    expect(later).toEqual({});
  });

  it('knows when a body must be read', () => {
    expect(needsBody({ name: 's', path: '/' })).toBe(false);
    expect(needsBody({ name: 's', path: '/', capture: { a: 'a' } })).toBe(true);
    expect(needsBody({ name: 's', path: '/', check: { status: 200 } })).toBe(false);
  });
});

describe('helpers', () => {
  it('reads dot paths', () => {
    expect(getPath({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
    expect(getPath({ a: null }, 'a.b')).toBeUndefined();
  });

  it('picks flows by weight', () => {
    const pick = flowPicker([
      { name: 'a', weight: 3, steps: [] },
      { name: 'b', weight: 1, steps: [] },
    ]);
    expect(pick(0).name).toBe('a');
    expect(pick(0.74).name).toBe('a');
    expect(pick(0.76).name).toBe('b');
    expect(pick(0.999999).name).toBe('b');
  });

  it('draws think time from a range', () => {
    expect(thinkTimeMs(undefined, 0.5)).toBe(0);
    expect(thinkTimeMs(20, 0.5)).toBe(20);
    expect(thinkTimeMs({ min: 10, max: 30 }, 0.5)).toBe(20);
  });
});
