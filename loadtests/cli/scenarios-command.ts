import { loadScenario, BUNDLED_SCENARIOS } from '../scenario-runtime/load-scenario.js';
import { parseCommandArgs } from './args.js';
import { SCENARIOS_HELP } from './help.js';
import type { Io } from './io.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const;

/** `perflab scenarios`: the bundled scenarios, each with its description and flows. */
export async function scenariosCommand(argv: string[], io: Io): Promise<number> {
  const { values: v } = parseCommandArgs('scenarios', argv, OPTIONS);
  if (v.help) {
    io.out(SCENARIOS_HELP);
    return 0;
  }
  const names = Object.keys(BUNDLED_SCENARIOS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    'Bundled scenarios, written for the sample target app (perflab init writes one for your API):',
    '',
  ];
  for (const name of names) {
    const s = await loadScenario(name);
    lines.push(`  ${name.padEnd(width)}  ${s.description}`);
    lines.push(
      `  ${''.padEnd(width)}  flows: ${s.flows.map((f) => `${f.name} (${f.steps.map((st) => st.name).join(' → ')})`).join('; ')}`,
    );
  }
  lines.push('', 'Run one: perflab run <name> --target <url>');
  io.out(lines.join('\n'));
  return 0;
}
