export { FLAG, FLAG_NAMES, FLAG_DESCRIPTIONS, isFlagName, type FlagName } from './names.js';
export { createFlags, FlagRefusedError, type FlagsOptions } from './flags.js';
export { parseFlagList } from './parse.js';
export { registerFlagGauge } from './gauge.js';
export type { FlagChange, FlagEffect, FlagReader, Flags, FlagValues } from './types.js';
