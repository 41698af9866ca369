// The provisioned Grafana dashboards as data for the tests: panels, their queries, and a small PromQL reader that
// finds metric names and the function each one is an argument of.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GRAFANA = path.join(ROOT, 'grafana');
export const PROMETHEUS_UID = 'schwab-prometheus';
export const POSTGRES_UID = 'schwab-postgres';

export interface DataSourceRef { type?: string; uid?: string }
export interface Target { refId: string; datasource?: DataSourceRef; expr?: string; rawSql?: string; format?: string }
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  panels?: Panel[];
}
export interface Variable { name: string; type: string; datasource?: DataSourceRef; query?: string }
export interface Dashboard { uid: string; title: string; panels: Panel[]; templating?: { list: Variable[] } }

export const DASHBOARDS = ['recorder-health.json', 'market-data.json'] as const;

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(path.join(GRAFANA, 'dashboards', file), 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included; row panels themselves are returned too (they hold no query). */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function queryPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((p) => p.type !== 'row');
}

/** The uids that grafana/provisioning/datasources/datasources.yaml provisions. */
export function provisionedUids(): string[] {
  const yaml = readFileSync(path.join(GRAFANA, 'provisioning/datasources/datasources.yaml'), 'utf8');
  return [...yaml.matchAll(/^\s+uid:\s*([\w-]+)\s*$/gm)].map((m) => m[1] as string);
}

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan',
]);

export interface MetricUse {
  name: string;
  /** The function whose argument list directly holds the selector, or null at the top level / in a plain paren. */
  enclosing: string | null;
  /** The range of a range selector (`[...]`), without brackets. */
  range: string | null;
}

/**
 * Metric names used by a PromQL expression (Grafana variables left in place), each with its directly enclosing
 * function. Label matchers, string literals and `by (...)`-style label lists are skipped.
 */
export function metricUses(expr: string): MetricUse[] {
  const uses: MetricUse[] = [];
  const stack: (string | null)[] = [];
  let i = 0;
  let lastIdent: string | null = null; // an identifier just before `(`
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      const end = expr.indexOf(c, i + 1);
      i = end < 0 ? expr.length : end + 1;
      lastIdent = null;
      continue;
    }
    if (c === '{') { i = skipBraces(expr, i); lastIdent = null; continue; }
    if (c === '(') { stack.push(lastIdent); lastIdent = null; i += 1; continue; }
    if (c === ')') { stack.pop(); i += 1; continue; }
    if (c === '[') { const end = expr.indexOf(']', i); i = end < 0 ? expr.length : end + 1; continue; }
    if (c === '$') { const m = /^\$\w+/.exec(expr.slice(i)); i += m ? m[0].length : 1; continue; }
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i));
    if (ident) {
      const name = ident[0];
      i += name.length;
      const rest = expr.slice(i);
      const next = /^\s*(.)/.exec(rest)?.[1];
      if (KEYWORDS.has(name.toLowerCase())) {
        if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'].includes(name) && next === '(') {
          const open = i + rest.indexOf('(');
          i = expr.indexOf(')', open) + 1; // a label list, not an expression
          continue; // `sum by (x) (...)`: whatever preceded stays the function of the next paren
        }
        lastIdent = null;
        continue;
      }
      if (next === '(') { lastIdent = name; continue; }
      const grouping = /^\s*(by|without)\s*\(/.exec(rest);
      if (grouping) {
        // `sum by (label) (expr)`: skip the label list; the aggregation's own argument list comes next.
        i = expr.indexOf(')', i + grouping[0].length) + 1;
        lastIdent = name;
        continue;
      }
      let after = i;
      while (/\s/.test(expr[after] ?? '')) after += 1;
      if (expr[after] === '{') { after = skipBraces(expr, after); while (/\s/.test(expr[after] ?? '')) after += 1; }
      let range: string | null = null;
      if (expr[after] === '[') range = expr.slice(after + 1, expr.indexOf(']', after));
      uses.push({ name, enclosing: stack.length ? (stack[stack.length - 1] ?? null) : null, range });
      lastIdent = null;
      continue;
    }
    if (/[0-9.]/.test(c)) { const m = /^[0-9.eE+-]+/.exec(expr.slice(i)); i += m ? m[0].length : 1; continue; }
    lastIdent = null;
    i += 1;
  }
  return uses;
}

function skipBraces(expr: string, start: number): number {
  let i = start + 1;
  while (i < expr.length && expr[i] !== '}') {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') { const end = expr.indexOf(c, i + 1); i = end < 0 ? expr.length : end + 1; continue; }
    i += 1;
  }
  return i + 1;
}

export const COUNTER_SUFFIXES = ['_total', '_count', '_sum', '_bucket'];

export function isCounterSeries(name: string): boolean {
  return COUNTER_SUFFIXES.some((s) => name.endsWith(s));
}
