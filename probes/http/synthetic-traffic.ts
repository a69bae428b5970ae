import { PERFLAB_AGENT_PREFIX } from '../../common/user-agent.js';
import { SYNTHETIC_TEST } from '../metric-names.js';

/** `user_agent_synthetic_type`: `test` for perflab's load, else '' (no label); never the header itself. */
export function syntheticType(ua: string | undefined): string {
  return ua !== undefined && ua.startsWith(PERFLAB_AGENT_PREFIX) ? SYNTHETIC_TEST : '';
}
