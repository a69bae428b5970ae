import { describe, expect, it } from 'vitest';
import { parsePrometheus, PrometheusParseError } from '../../../loadtests/server-metrics/parse-prometheus.js';

describe('parsePrometheus', () => {
  it('parses samples, labels with escapes, special values and timestamps', () => {
    const text = [
      '# HELP x_total things',
      '# TYPE x_total counter',
      'x_total 3',
      'h_bucket{le="0.1",http_route="/a/:id",q="say \\"hi\\""} 7 1700000000000',
      'h_bucket{le="+Inf",http_route="/a/:id",q=""} 9',
      'g NaN',
      'prom_client_writes_this Nan',
      'inf_gauge +inf',
      '',
    ].join('\n');
    expect(parsePrometheus(text)).toEqual([
      { name: 'x_total', labels: {}, value: 3 },
      { name: 'h_bucket', labels: { le: '0.1', http_route: '/a/:id', q: 'say "hi"' }, value: 7 },
      { name: 'h_bucket', labels: { le: '+Inf', http_route: '/a/:id', q: '' }, value: 9 },
      { name: 'g', labels: {}, value: NaN },
      { name: 'prom_client_writes_this', labels: {}, value: NaN },
      { name: 'inf_gauge', labels: {}, value: Infinity },
    ]);
  });

  it.each(['not a metric line at all!', 'x{le=0.1} 3', 'x 12abc'])(
    'throws on %j, naming the line',
    (line) => {
      expect(() => parsePrometheus(`ok 1\n${line}`)).toThrow(PrometheusParseError);
      expect(() => parsePrometheus(`ok 1\n${line}`)).toThrow(/line 2/);
    },
  );
});
