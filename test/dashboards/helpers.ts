import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import ts from 'typescript';

/** One PromQL expression a dashboard evaluates, and where it lives. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
  exemplar: boolean;
}

interface TargetLike {
  expr?: string;
  exemplar?: boolean;
  datasource?: { uid?: string };
}
interface PanelLike {
  title?: string;
  type: string;
  targets?: TargetLike[];
  datasource?: { uid?: string };
  panels?: PanelLike[];
}

export function panelsOf(d: Dashboard): PanelLike[] {
  const out: PanelLike[] = [];
  const walk = (list: PanelLike[] | undefined): void => {
    for (const p of list ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(d.panels as PanelLike[] | undefined);
  return out;
}

/** Every panel target's expression (annotations are not panels: they may be empty). */
export function panelQueries(d: Dashboard): PanelQuery[] {
  return panelsOf(d).flatMap((p) =>
    (p.targets ?? [])
      .filter((t) => t.expr !== undefined)
      .map((t) => ({
        dashboard: d.uid ?? '',
        panel: p.title ?? '',
        expr: t.expr as string,
        exemplar: t.exemplar === true,
      })),
  );
}

/** Metric names an expression selects (`name{`), suffixes of histograms kept. */
export function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1] as string);
}

/** `label_values(selector, label)` of a query variable. */
export function parseLabelValues(query: string): { selector: string; label: string } {
  const m = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  if (!m) throw new Error(`not a label_values() query: ${query}`);
  return { selector: m[1] as string, label: m[2] as string };
}

/** The string constants of names modules (bucket arrays left out). */
export function namesOf(...modules: object[]): string[] {
  return modules.flatMap((m) => Object.values(m).filter((v): v is string => typeof v === 'string'));
}

/** The text of every string literal and template-literal part of a TypeScript source, with its line. */
export function stringLiteralsOf(file: string, source: string): Array<{ text: string; line: number }> {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Array<{ text: string; line: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      out.push({ text: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return out;
}

/**
 * Names of `owned` a literal spells out: the whole literal, or a name-shaped
 * token inside it (PromQL) that is an owned name with an underscore, histogram
 * suffixes allowed. Single words ("result", "other") count only as a whole
 * literal, so prose in descriptions does not.
 */
export function retypedNames(text: string, owned: ReadonlySet<string>): string[] {
  if (owned.has(text)) return [text];
  return [...text.matchAll(/[a-zA-Z_:][\w:]*/g)]
    .map((m) => m[0])
    .filter((t) => t.includes('_') && (owned.has(t) || owned.has(t.replace(/_(bucket|count|sum)$/, ''))));
}
