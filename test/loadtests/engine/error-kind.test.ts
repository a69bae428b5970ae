import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../loadtests/engine/error-kind.js';

const err = (code: string): Error => Object.assign(new Error(code), { code });

describe('classifyError', () => {
  it.each([
    [err('ECONNREFUSED'), 'refused'],
    [err('ECONNRESET'), 'reset'],
    [err('UND_ERR_SOCKET'), 'reset'],
    [err('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [new Error('request timed out'), 'timeout'],
    [new Error('weird'), 'other'],
    [Object.assign(new Error('fetch failed'), { cause: err('ECONNREFUSED') }), 'refused'],
  ])('%s → %s', (e, kind) => expect(classifyError(e)).toBe(kind));
});
