export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class PrometheusParseError extends Error {
  override readonly name = 'PrometheusParseError';
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(text: string, lineNo: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new PrometheusParseError(`line ${lineNo}: bad labels "${text}"`);
    labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

// Prometheus parses values like Go's ParseFloat: NaN and Inf in any case
// (prom-client writes "Nan" for an event-loop histogram with no samples yet).
function parseValue(raw: string, lineNo: number): number {
  const lower = raw.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const v = Number(raw);
  if (Number.isNaN(v)) throw new PrometheusParseError(`line ${lineNo}: bad value "${raw}"`);
  return v;
}

/** Parses the Prometheus text exposition format (0.0.4); throws PrometheusParseError on a malformed line. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new PrometheusParseError(`line ${i + 1}: cannot parse "${line.slice(0, 80)}"`);
    out.push({
      name: m[1] as string,
      labels: m[2] ? parseLabels(m[2], i + 1) : {},
      value: parseValue(m[3] as string, i + 1),
    });
  }
  return out;
}
