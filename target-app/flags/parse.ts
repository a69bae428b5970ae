import { PerflabError } from '../../common/perflab-error.js';
import { FLAG_NAMES, isFlagName, type FlagName } from './names.js';

/** Parses PERFLAB_FLAGS (`a,b`): an unknown name is a PERFLAB_E_CONFIG naming it. */
export function parseFlagList(raw: string | undefined): FlagName[] {
  const names = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.find((n) => !isFlagName(n));
  if (unknown !== undefined) {
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `environment variable PERFLAB_FLAGS names an unknown flag "${unknown.slice(0, 64)}"; known flags: ${FLAG_NAMES.join(', ')}`,
    );
  }
  return [...new Set(names)] as FlagName[];
}
