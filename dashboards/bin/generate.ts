import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from '../dashboards.js';

// `npm run dashboards`: writes dashboards/grafana/*.json from the code.
// test/dashboards/generated.test.ts fails when a committed file is stale.
const dir = fileURLToPath(new URL('../grafana/', import.meta.url));
for (const d of DASHBOARDS) {
  writeFileSync(join(dir, d.file), renderDashboard(d));
  console.log(`wrote dashboards/grafana/${d.file}`);
}
