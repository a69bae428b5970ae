import type { Logger } from 'pino';
import { FLAG_NAMES, type FlagName } from './names.js';
import type { FlagChange, FlagEffect, Flags, FlagValues } from './types.js';

/** An effect refused a switch; `flag` names it and the message says why. */
export class FlagRefusedError extends Error {
  constructor(
    readonly flag: FlagName,
    message: string,
  ) {
    super(message);
    this.name = 'FlagRefusedError';
  }
}

export interface FlagsOptions {
  /** Flags on at start (PERFLAB_FLAGS); every other flag is off. */
  initial?: readonly FlagName[];
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export function createFlags({ initial = [], logger }: FlagsOptions = {}): Flags {
  const values = Object.fromEntries(FLAG_NAMES.map((f) => [f, initial.includes(f)])) as Record<
    FlagName,
    boolean
  >;
  const listeners = new Set<(change: FlagChange) => void>();
  const effects = new Map<FlagName, FlagEffect>();
  // Every switch waits for the one before: DDL and pool resizes never overlap.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };
  const snapshot = (): FlagValues => ({ ...values });

  const notify = (change: FlagChange): void => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (err) {
        // A subscriber's bug must not undo or block the switch.
        logger?.warn({ err: { message: (err as Error).message }, flag: change.flag }, 'flag listener failed');
      }
    }
  };

  return {
    isOn: (flag) => values[flag],
    all: snapshot,
    set(changes, actor) {
      return serialized(async () => {
        const todo = (Object.entries(changes) as [FlagName, boolean | undefined][]).filter(
          (e): e is [FlagName, boolean] => typeof e[1] === 'boolean' && values[e[0]] !== e[1],
        );
        for (const [flag, enabled] of todo) {
          const reason = effects.get(flag)?.refuse?.(enabled);
          if (reason) throw new FlagRefusedError(flag, reason);
        }
        for (const [flag, enabled] of todo) {
          await effects.get(flag)?.apply?.(enabled);
          values[flag] = enabled;
          const change: FlagChange = { flag, enabled, actor, at: new Date().toISOString() };
          logger?.info(change, 'flag switched');
          notify(change);
        }
        return snapshot();
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    effect(flag, effect) {
      effects.set(flag, effect);
    },
    reconcile() {
      return serialized(async () => {
        for (const [flag, effect] of effects) {
          const reason = effect.refuse?.(values[flag]);
          if (values[flag] && reason) throw new FlagRefusedError(flag, reason);
          await effect.apply?.(values[flag]);
        }
      });
    },
  };
}
