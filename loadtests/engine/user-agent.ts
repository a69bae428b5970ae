import { packageVersion } from '../../common/package-version.js';
import { PERFLAB_AGENT_PREFIX } from '../../common/user-agent.js';

/**
 * Every request perflab sends says so: `perflab/<version>`. The probes mark
 * such traffic as synthetic, so dashboards can split test load from users.
 */
export const USER_AGENT = `${PERFLAB_AGENT_PREFIX}${packageVersion()}`;
export const USER_AGENT_HEADER = 'user-agent';
