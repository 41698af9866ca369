// The dashboards' lint: datasources by provisioned uid, a unit on every panel, counters only inside rate()/increase()
// over $__rate_interval, unique panel ids, and no metric name the recorder does not export.
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics/registry.js';
import {
  DASHBOARDS, POSTGRES_UID, PROMETHEUS_UID, allPanels, isCounterSeries, loadDashboard, metricUses, provisionedUids, queryPanels,
} from './dashboards.js';

/** Every series name the registry exposes: histograms as _bucket, _sum and _count. */
function exportedSeries(): Set<string> {
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    const { name } = metric;
    const type = String(metric.type);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}

describe('the PromQL reader of the lint', () => {
  it('finds metric names, their enclosing function and range', () => {
    expect(metricUses('histogram_quantile(0.99, sum by (le, endpoint) (rate(a_bucket{x="y(z)"}[$__rate_interval])))')).toEqual([
      { name: 'a_bucket', enclosing: 'rate', range: '$__rate_interval' },
    ]);
    expect(metricUses('sum(b_total) / max by (mode) (c) == 1 or vector(0)')).toEqual([
      { name: 'b_total', enclosing: 'sum', range: null },
      { name: 'c', enclosing: null, range: null },
    ]);
    expect(metricUses('min(t{token="access"}) - time()')).toEqual([{ name: 't', enclosing: 'min', range: null }]);
  });
});

describe('provisioning', () => {
  it('provisions the two datasources the dashboards use, by fixed uid', () => {
    expect(provisionedUids().sort()).toEqual([POSTGRES_UID, PROMETHEUS_UID].sort());
  });
});

describe.each(DASHBOARDS)('%s', (file) => {
  const dashboard = loadDashboard(file);
  const uids = provisionedUids();

  it('has unique panel ids and queries in every non-row panel', () => {
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of queryPanels(dashboard)) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('references every datasource by a provisioned uid, panels and targets alike', () => {
    for (const panel of queryPanels(dashboard)) {
      expect(uids, `${panel.title}: panel datasource`).toContain(panel.datasource?.uid);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, `${panel.title} ${target.refId}`).toBe(panel.datasource?.uid);
        if (target.expr !== undefined) expect(target.datasource?.uid).toBe(PROMETHEUS_UID);
        if (target.rawSql !== undefined) expect(target.datasource?.uid).toBe(POSTGRES_UID);
        expect(target.expr ?? target.rawSql, `${panel.title} ${target.refId}: a query`).toBeTruthy();
      }
    }
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type === 'query') expect(uids, `variable ${variable.name}`).toContain(variable.datasource?.uid);
    }
  });

  it('sets a unit on every panel', () => {
    for (const panel of queryPanels(dashboard)) {
      expect(panel.fieldConfig?.defaults?.unit, panel.title).toMatch(/\S/);
    }
  });

  it('uses counters only inside rate()/increase() over $__rate_interval, and only metrics the recorder exports', () => {
    const exported = exportedSeries();
    const exprs = queryPanels(dashboard).flatMap((p) => (p.targets ?? []).filter((t) => t.expr).map((t) => ({ panel: p.title, expr: t.expr as string })));
    if (file === 'recorder-health.json') expect(exprs.length).toBeGreaterThan(20);
    for (const { panel, expr } of exprs) {
      const uses = metricUses(expr);
      expect(uses.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const use of uses) {
        const where = `${panel}: ${use.name} in ${expr}`;
        expect(exported.has(use.name), `${where}: not exported by src/metrics/registry.ts`).toBe(true);
        if (isCounterSeries(use.name)) expect(['rate', 'increase'], where).toContain(use.enclosing);
        if (use.range !== null) {
          expect(['rate', 'increase'], `${where}: a range vector outside rate/increase`).toContain(use.enclosing);
          expect(use.range, where).toBe('$__rate_interval');
        }
      }
    }
  });
});
