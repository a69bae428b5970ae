import { packageVersion } from '../../common/package-version.js';

/**
 * Every request perflab sends says so: `perflab/<version>`. The probes mark
 * such traffic as synthetic, so dashboards can split test load from users.
 */
export const USER_AGENT = `perflab/${packageVersion()}`;
export const USER_AGENT_HEADER = 'user-agent';
