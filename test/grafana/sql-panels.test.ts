// Every SQL query of the market-data dashboard (panels and template variables) runs against the real schema, as the
// read-only role Grafana logs in with, after a replay of a recorded session plus a live simulator run with REST
// snapshots, and returns rows. Grafana's macros are expanded here the way Grafana expands them.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRoles } from '../../src/db/roles.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { uniqueName } from '../support/server.js';
import { POSTGRES_UID, ROOT, loadDashboard, queryPanels } from './dashboards.js';
import { startSimulatedSession } from './session.js';

const dashboard = loadDashboard('market-data.json');

interface TimeRange { from: Date; to: Date }

/** The dashboard's default range (`now-30d` … `now`), resolved now. */
function dashboardRange(): TimeRange {
  const { from } = (dashboard as unknown as { time: { from: string; to: string } }).time;
  const m = /^now-(\d+)([mhd])$/.exec(from);
  if (!m) throw new Error(`unsupported dashboard time.from ${from}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  const to = new Date();
  return { from: new Date(to.getTime() - Number(m[1]) * unit), to };
}

/** Grafana's PostgreSQL macros and template variables, expanded; anything left starting with `$` is an error. */
export function expandMacros(sql: string, range: TimeRange, variables: Record<string, string>): string {
  const from = `'${range.from.toISOString()}'`;
  const to = `'${range.to.toISOString()}'`;
  let out = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, col: string) => `${col.trim()} BETWEEN ${from} AND ${to}`)
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(/\$__interval_ms\b/g, '60000')
    .replace(/\$__interval\b/g, '1m');
  // Values go in last: a value may itself hold a `$` (the screener key $SPX_VOLUME_0), which is not a variable.
  const values = Object.values(variables);
  Object.keys(variables).forEach((name, i) => {
    out = out.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}\\b`, 'g'), `@@var${i}@@`);
  });
  const left = /\$\{?\w+/.exec(out);
  if (left) throw new Error(`unexpanded Grafana macro or variable ${left[0]} in:\n${out}`);
  return out.replace(/@@var(\d+)@@/g, (_, i: string) => values[Number(i)]!.replace(/'/g, "''"));
}

describe('market-data dashboard SQL against the real schema', () => {
  let db: TestDatabase;
  const reader = uniqueName('grafana_reader');
  const writer = uniqueName('grafana_writer');
  const range = (): TimeRange => dashboardRange();
  let asReader: <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await replayInto(db.pool, path.join(ROOT, 'test/fixtures/sessions/sim-session-1'));
    const session = await startSimulatedSession(db.url);
    try {
      await sleep(7000);
    } finally {
      await session.stop();
    }
    await ensureRoles(db.pool, { writer: { name: writer, password: null }, reader: { name: reader, password: null } });
    asReader = async (fn) => {
      const client = await db.pool.connect();
      try {
        await client.query(`SET ROLE ${reader}`);
        return await fn(client);
      } finally {
        await client.query('RESET ROLE').catch(() => undefined);
        client.release();
      }
    };
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (db) for (const role of [reader, writer]) await db.admin.query(`DROP ROLE IF EXISTS ${role}`);
  });

  it('has SQL in every PostgreSQL panel, and only there', () => {
    const panels = queryPanels(dashboard);
    expect(panels.length).toBeGreaterThanOrEqual(6);
    for (const panel of panels) {
      expect(panel.datasource?.uid).toBe(POSTGRES_UID);
      for (const target of panel.targets ?? []) expect(target.rawSql, panel.title).toBeTruthy();
    }
  });

  it('returns values for every template variable, as the read-only role', async () => {
    const variables = dashboard.templating?.list ?? [];
    expect(variables.map((v) => v.name).sort()).toEqual(['account', 'book', 'future', 'screener', 'symbol']);
    for (const variable of variables) {
      const { rows } = await asReader((c) => c.query(expandMacros(variable.query ?? '', range(), {})));
      expect(rows.length, `variable ${variable.name}`).toBeGreaterThan(0);
    }
  });

  it('returns rows for every panel query, as the read-only role, with the first value of each variable', async () => {
    const variables: Record<string, string> = {};
    for (const variable of dashboard.templating?.list ?? []) {
      const { rows } = await asReader((c) => c.query(expandMacros(variable.query ?? '', range(), {})));
      // Grafana takes __value (shown as __text) when the query names them, else the first column.
      const first = rows[0] as Record<string, unknown>;
      variables[variable.name] = String(first['__value'] ?? Object.values(first)[0]);
    }
    const empty: string[] = [];
    for (const panel of queryPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const sql = expandMacros(target.rawSql ?? '', range(), variables);
        const { rows } = await asReader((c) => c.query(sql));
        if (rows.length === 0) empty.push(`${panel.title} (${target.refId})`);
        if (target.format === 'time_series') {
          expect(rows[0], panel.title).toHaveProperty('time');
          expect(rows.every((r) => r.time instanceof Date), panel.title).toBe(true);
        }
      }
    }
    expect(empty).toEqual([]);
  });

  it('expands the macros Grafana would', () => {
    const r = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') };
    expect(expandMacros("WHERE $__timeFilter(t.ts) AND s = '$symbol' AND x > $__timeFrom() AND y < $__timeTo()", r, { symbol: "O'X" }))
      .toBe("WHERE t.ts BETWEEN '2026-01-01T00:00:00.000Z' AND '2026-01-02T00:00:00.000Z' AND s = 'O''X' AND x > '2026-01-01T00:00:00.000Z' AND y < '2026-01-02T00:00:00.000Z'");
    expect(() => expandMacros('SELECT $__unixEpochFilter(t)', r, {})).toThrow(/unexpanded/);
  });
});
