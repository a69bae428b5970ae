import { PerflabError } from '../../../common/perflab-error.js';
import { E_USAGE } from '../../error-codes.js';
import { RemoteWriteOutput } from './remote-write-output.js';

/**
 * `--prometheus-rw URL [--testid ID]` as a RemoteWriteOutput, or undefined
 * without the flag. The default test id names the scenario and the start
 * second, so two runs never share one.
 */
export function remoteWriteFromFlags(
  url: string | undefined,
  testid: string | undefined,
  scenarioName: string,
  now: Date = new Date(),
): RemoteWriteOutput | undefined {
  if (url === undefined) {
    if (testid !== undefined) throw new PerflabError(E_USAGE, '--testid needs --prometheus-rw <url>');
    return undefined;
  }
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '');
  const id = testid ?? `${scenarioName.replace(/[^\w.-]/g, '_').slice(0, 100)}-${stamp}`;
  try {
    return new RemoteWriteOutput({ url, testid: id });
  } catch (err) {
    // A bad flag is a usage error, with the flag's name rather than the option's.
    const message = err instanceof Error ? err.message : String(err);
    throw new PerflabError(E_USAGE, `--prometheus-rw/--testid: ${message}`);
  }
}
