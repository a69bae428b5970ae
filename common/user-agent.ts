/**
 * The User-Agent product of every request perflab's load engine sends
 * (`perflab/<version>`); the probes mark requests carrying it as synthetic
 * test traffic. One constant, so the two sides cannot drift apart.
 */
export const PERFLAB_AGENT_PRODUCT = 'perflab';
export const PERFLAB_AGENT_PREFIX = `${PERFLAB_AGENT_PRODUCT}/`;
