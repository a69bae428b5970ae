import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as R from '../../dashboards/lib/external-metric-names.js';
import { renderRuleFile, renderRulesTests } from '../../dashboards/prometheus/render-rules.js';
import { alertingRules, recordingRules, RULE_FILES } from '../../dashboards/prometheus/rules-source.js';
import { rulesTests } from '../../dashboards/prometheus/rules-tests.js';
import * as N from '../../probes/metric-names.js';
import { metricNamesIn, namesOf } from './helpers.js';

// Debian's prometheus package provides promtool; CI installs it (.ci/run).
const DIR = 'dashboards/prometheus';
const promtool = (...args: string[]): string => execFileSync('promtool', args, { encoding: 'utf8' });

describe('Prometheus config and rules', () => {
  it('are what `npm run dashboards` generates', () => {
    for (const r of RULE_FILES) {
      expect(readFileSync(`${DIR}/${r.file}`, 'utf8'), `${r.file} is stale: run npm run dashboards`).toBe(
        renderRuleFile(r.groups()),
      );
    }
    expect(readFileSync(`${DIR}/tests/rules.test.yml`, 'utf8')).toBe(renderRulesTests(rulesTests()));
  });

  it('pass promtool check config and check rules', () => {
    expect(promtool('check', 'config', `${DIR}/prometheus.yml`)).toMatch(/SUCCESS: .* is valid/);
    const out = promtool('check', 'rules', ...RULE_FILES.map((r) => `${DIR}/${r.file}`));
    expect(out).toContain('SUCCESS: 8 rules found');
  });

  it('pass their promtool unit tests (every alert fires when it should, and only there)', () => {
    expect(promtool('test', 'rules', `${DIR}/tests/rules.test.yml`)).toContain('SUCCESS');
    const tested = new Set(rulesTests().tests.flatMap((t) => ('alert_rule_test' in t ? [t.name] : [])));
    for (const rule of alertingRules().flatMap((g) => g.rules)) expect(tested).toContain(rule.alert);
  });

  it('cover the alerts the stack promises', () => {
    const alerts = alertingRules().flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual([
      'PerflabHighErrorRatio',
      'PerflabLatencyP99OverSlo',
      'PerflabEventLoopLag',
      'PerflabHeapGrowing',
      'PerflabSlowQueries',
      'PerflabCircuitBreakerOpen',
      'PerflabDeadLetters',
      'PerflabTargetDown',
    ]);
  });

  it('name only series the probes and prom-client export, or other rules record', () => {
    const groups = [...recordingRules(), ...alertingRules()];
    const known = new Set<string>([
      ...namesOf(N, R),
      ...groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))),
    ]);
    for (const rule of groups.flatMap((g) => g.rules)) {
      const names = [
        ...metricNamesIn(rule.expr),
        ...[...rule.expr.matchAll(/([a-z_:][\w:]*)\[/g)].map((m) => m[1]!),
      ];
      for (const name of names.concat(rule.expr.match(/^[a-z_:][\w:]*(?= >)/)?.[0] ?? [])) {
        const bare = name.replace(/_(bucket|count|sum)$/, '');
        expect(known.has(name) || known.has(bare), `${name} in ${rule.expr}`).toBe(true);
      }
    }
  });
});
