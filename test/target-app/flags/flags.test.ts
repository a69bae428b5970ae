import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../target-app/config.js';
import {
  createFlags,
  FLAG,
  FLAG_NAMES,
  FlagRefusedError,
  parseFlagList,
  type FlagChange,
} from '../../../target-app/flags/index.js';

describe('PERFLAB_FLAGS', () => {
  it('turns the listed flags on and leaves every other off', () => {
    const config = loadConfig({ PERFLAB_FLAGS: ' n_plus_one, missing_index ,,n_plus_one' });
    expect(config.flags).toEqual(['n_plus_one', 'missing_index']);
    expect(loadConfig({}).flags).toEqual([]);
  });

  it('refuses an unknown name with PERFLAB_E_CONFIG naming it', () => {
    expect(() => loadConfig({ PERFLAB_FLAGS: 'n_plus_one,n_plus_two' })).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_CONFIG', message: expect.stringContaining('"n_plus_two"') }),
    );
    expect(() => parseFlagList('NO_CACHE')).toThrow(/PERFLAB_FLAGS.*"NO_CACHE"/);
  });
});

describe('createFlags', () => {
  it('starts with every flag off (the optimized way) unless listed', () => {
    const flags = createFlags({ initial: [FLAG.NO_CACHE] });
    expect(Object.keys(flags.all()).sort()).toEqual([...FLAG_NAMES].sort());
    expect(Object.entries(flags.all()).filter(([, on]) => on)).toEqual([['no_cache', true]]);
  });

  it('switches at runtime, tells subscribers who switched what, and logs it', async () => {
    const logged: unknown[] = [];
    const flags = createFlags({ logger: { info: (o: unknown) => logged.push(o), warn: () => {} } as never });
    const seen: FlagChange[] = [];
    const off = flags.subscribe((c) => seen.push(c));
    const after = await flags.set({ n_plus_one: true, no_cache: false }, 'admin#7');
    expect(after.n_plus_one).toBe(true);
    expect(flags.isOn('n_plus_one')).toBe(true);
    // no_cache was already off: no event for a non-change.
    expect(seen).toEqual([{ flag: 'n_plus_one', enabled: true, actor: 'admin#7', at: expect.any(String) }]);
    expect(logged).toEqual([
      expect.objectContaining({ flag: 'n_plus_one', enabled: true, actor: 'admin#7' }),
    ]);
    off();
    await flags.set({ n_plus_one: false }, 'admin#7');
    expect(seen).toHaveLength(1);
  });

  it('a subscriber that throws neither blocks the switch nor other subscribers', async () => {
    const flags = createFlags({ logger: { info: () => {}, warn: () => {} } as never });
    const seen: string[] = [];
    flags.subscribe(() => {
      throw new Error('bug');
    });
    flags.subscribe((c) => seen.push(c.flag));
    await flags.set({ select_star: true }, 'test');
    expect(flags.isOn('select_star')).toBe(true);
    expect(seen).toEqual(['select_star']);
  });

  it('a refusal changes nothing, not even the flags listed before it', async () => {
    const flags = createFlags();
    flags.effect(FLAG.SMALL_POOL, { refuse: (on) => (on ? 'not here' : undefined) });
    await expect(flags.set({ n_plus_one: true, small_pool: true }, 'test')).rejects.toEqual(
      new FlagRefusedError('small_pool', 'not here'),
    );
    expect(flags.all().n_plus_one).toBe(false);
    expect(flags.all().small_pool).toBe(false);
  });

  it('serializes switches: one effect never starts before the previous one finished', async () => {
    const flags = createFlags();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    flags.effect(FLAG.MISSING_INDEX, {
      async apply(on) {
        events.push(`start ${String(on)}`);
        if (on) await gate;
        events.push(`end ${String(on)}`);
      },
    });
    const first = flags.set({ missing_index: true }, 'a');
    const second = flags.set({ missing_index: false }, 'b');
    await Promise.resolve();
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['start true', 'end true', 'start false', 'end false']);
    expect(flags.isOn('missing_index')).toBe(false);
  });

  it('reconcile runs each effect with the current value (the database follows the flags at start)', async () => {
    const flags = createFlags({ initial: ['missing_index'] });
    const applied: boolean[] = [];
    flags.effect(FLAG.MISSING_INDEX, { apply: (on) => void applied.push(on) });
    await flags.reconcile();
    expect(applied).toEqual([true]);
  });
});

describe('docs/lab.md', () => {
  it('has a section for every flag, and none for a flag that does not exist', () => {
    const doc = readFileSync('docs/lab.md', 'utf8');
    const sections = [...doc.matchAll(/^### `([a-z_]+)`$/gm)].map((m) => m[1]);
    expect([...sections].sort()).toEqual([...FLAG_NAMES].sort());
  });
});
