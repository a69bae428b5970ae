import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from '../dashboards.js';
import { renderRuleFile, renderRulesTests } from '../prometheus/render-rules.js';
import { rulesTests } from '../prometheus/rules-tests.js';
import { RULE_FILES } from '../prometheus/rules-source.js';

// `npm run dashboards`: writes dashboards/grafana/*.json and the Prometheus
// rule files from the code. test/dashboards/ fails when a committed file is stale.
const dir = fileURLToPath(new URL('../grafana/', import.meta.url));
for (const d of DASHBOARDS) {
  writeFileSync(join(dir, d.file), renderDashboard(d));
  console.log(`wrote dashboards/grafana/${d.file}`);
}
const prometheus = fileURLToPath(new URL('../prometheus/', import.meta.url));
for (const r of RULE_FILES) {
  writeFileSync(join(prometheus, r.file), renderRuleFile(r.groups()));
  console.log(`wrote dashboards/prometheus/${r.file}`);
}
writeFileSync(join(prometheus, 'tests/rules.test.yml'), renderRulesTests(rulesTests()));
console.log('wrote dashboards/prometheus/tests/rules.test.yml');
