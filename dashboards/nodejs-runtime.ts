import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as R from './lib/external-metric-names.js';
import { perflabDashboard } from './lib/dashboard.js';
import { timeSeries } from './lib/panels.js';
import { datasourceVariable, LABEL_INSTANCE, RATE, SERVICE, serviceVariables } from './lib/variables.js';

const BY_INSTANCE = `{{${LABEL_INSTANCE}}}`;
const sumBy = (labels: string, expr: string): string => `sum by (${labels}) (${expr})`;

export const NODEJS_RUNTIME_UID = 'perflab-nodejs-runtime';

/** Is the process itself the problem? Event loop, memory, GC, handles and CPU. */
export function nodejsRuntime() {
  return perflabDashboard({
    uid: NODEJS_RUNTIME_UID,
    title: 'perflab / Node.js runtime',
    source: 'dashboards/nodejs-runtime.ts',
    about: 'Event-loop lag, heap by space, RSS and external memory, GC, handles and CPU per instance.',
  })
    .variables([datasourceVariable(), ...serviceVariables()])
    .withRow(new RowBuilder('Event loop and CPU'))
    .withPanel(
      timeSeries({
        title: 'Event-loop lag p50 / p99',
        description: 'Is the event loop blocked? Lag in the tens of ms delays every request on the instance.',
        unit: 's',
        queries: [
          { expr: `${R.EVENT_LOOP_LAG_P50}{${SERVICE}}`, legend: `p50 ${BY_INSTANCE}` },
          { expr: `${R.EVENT_LOOP_LAG_P99}{${SERVICE}}`, legend: `p99 ${BY_INSTANCE}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'CPU (user and system)',
        description: 'Is the process CPU-bound? 1 is one full core.',
        unit: 'percentunit',
        queries: [
          { expr: `rate(${R.CPU_USER}{${SERVICE}}[${RATE}])`, legend: `user ${BY_INSTANCE}` },
          { expr: `rate(${R.CPU_SYSTEM}{${SERVICE}}[${RATE}])`, legend: `system ${BY_INSTANCE}` },
        ],
      }),
    )
    .withRow(new RowBuilder('Memory'))
    .withPanel(
      timeSeries({
        title: 'Heap used and total',
        description: 'Is memory leaking? A used heap whose lows keep rising across GCs is the sign.',
        unit: 'bytes',
        queries: [
          { expr: `${R.HEAP_USED}{${SERVICE}}`, legend: `used ${BY_INSTANCE}` },
          { expr: `${R.HEAP_TOTAL}{${SERVICE}}`, legend: `total ${BY_INSTANCE}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Heap used by space',
        description:
          'Which V8 space grows? old_space growth is long-lived objects; new_space churn is short-lived garbage.',
        unit: 'bytes',
        queries: [
          {
            expr: sumBy(R.LABEL_HEAP_SPACE, `${R.HEAP_SPACE_USED}{${SERVICE}}`),
            legend: `{{${R.LABEL_HEAP_SPACE}}} used`,
          },
          {
            expr: sumBy(R.LABEL_HEAP_SPACE, `${R.HEAP_SPACE_TOTAL}{${SERVICE}}`),
            legend: `{{${R.LABEL_HEAP_SPACE}}} total`,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'RSS and external memory',
        description:
          'Memory outside the JS heap: Buffers, native modules (external), and the whole process (RSS).',
        unit: 'bytes',
        queries: [
          { expr: `${R.RSS}{${SERVICE}}`, legend: `RSS ${BY_INSTANCE}` },
          { expr: `${R.EXTERNAL_MEMORY}{${SERVICE}}`, legend: `external ${BY_INSTANCE}` },
        ],
      }),
    )
    .withRow(new RowBuilder('GC and handles'))
    .withPanel(
      timeSeries({
        title: 'GC time per second by kind',
        description:
          'How much of each second goes to garbage collection? major (mark-sweep) pauses hurt the tail.',
        unit: 'percentunit',
        queries: [
          {
            expr: sumBy(R.LABEL_GC_KIND, `rate(${R.GC_DURATION}_sum{${SERVICE}}[${RATE}])`),
            legend: `{{${R.LABEL_GC_KIND}}}`,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Active handles by type',
        description: 'Sockets, timers and other handles keeping the process busy; a steady climb is a leak.',
        unit: 'short',
        queries: [
          {
            expr: sumBy(R.LABEL_HANDLE_TYPE, `${R.ACTIVE_HANDLES}{${SERVICE}}`),
            legend: `{{${R.LABEL_HANDLE_TYPE}}}`,
          },
          { expr: `sum(${R.ACTIVE_HANDLES_TOTAL}{${SERVICE}})`, legend: 'total' },
        ],
      }),
    );
}
