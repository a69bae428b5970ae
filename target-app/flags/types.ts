import type { FlagName } from './names.js';

export type FlagValues = Readonly<Record<FlagName, boolean>>;

/** One switch, as subscribers and the log see it. */
export interface FlagChange {
  flag: FlagName;
  enabled: boolean;
  /** Who switched it: `PERFLAB_FLAGS` at start, `admin#<id>` through the API, or the admin page's name. */
  actor: string;
  /** ISO time of the switch. */
  at: string;
}

/**
 * What a flag does beyond changing the value its readers see: DDL, a pool
 * resize, emptying a cache. `refuse` says why this instance cannot switch
 * (the API answers 409 with it); `apply` runs before the new value is visible.
 */
export interface FlagEffect {
  refuse?(enabled: boolean): string | undefined;
  apply?(enabled: boolean): Promise<void> | void;
}

/** Reading flags: what store functions and middleware get. */
export interface FlagReader {
  isOn(flag: FlagName): boolean;
}

/** The flags of one app instance: read, switch, watch. */
export interface Flags extends FlagReader {
  /** Every flag with its current value. */
  all(): FlagValues;
  /**
   * Switches flags, one after another and serialized with every other
   * switch, so effects (DDL) never overlap. Throws FlagRefusedError, having
   * changed nothing, when any effect refuses. Resolves with all flags.
   */
  set(changes: Partial<Record<FlagName, boolean>>, actor: string): Promise<FlagValues>;
  /** Calls listener after every effective switch; returns the unsubscribe function. */
  subscribe(listener: (change: FlagChange) => void): () => void;
  /** Registers a flag's effect (one per flag). */
  effect(flag: FlagName, effect: FlagEffect): void;
  /** Runs every registered effect with the current value: at start, so the database matches the flags. */
  reconcile(): Promise<void>;
}
