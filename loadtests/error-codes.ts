/** Every coded error the load engine and CLI throw; each is documented in docs/errors.md. */
export const E_USAGE = 'PERFLAB_E_USAGE';
export const E_OPTION = 'PERFLAB_E_LOAD_OPTION';
export const E_SCENARIO_INVALID = 'PERFLAB_E_SCENARIO_INVALID';
export const E_SCENARIO_LOAD = 'PERFLAB_E_SCENARIO_LOAD';
export const E_SCENARIO_NOT_FOUND = 'PERFLAB_E_SCENARIO_NOT_FOUND';
export const E_THRESHOLD_SYNTAX = 'PERFLAB_E_THRESHOLD_SYNTAX';
export const E_TARGET_UNREACHABLE = 'PERFLAB_E_TARGET_UNREACHABLE';
export const E_SETUP_FAILED = 'PERFLAB_E_SETUP_FAILED';
export const E_RESULT_INVALID = 'PERFLAB_E_RESULT_INVALID';
