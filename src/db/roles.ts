// `db roles`: a writer role for the recorder and a read-only role for Grafana.
// The writer OWNS the recorder's tables: creating, attaching and dropping partitions (ahead, on demand before a
// COPY, by retention) requires ownership of the partitioned table in PostgreSQL. The reader gets SELECT on every
// table now and, through default privileges, on every partition created later by the writer or by this admin.
import pg from 'pg';

export interface RoleSpec {
  name: string;
  password: string | null;
}

export interface RolesReport {
  writer: string;
  reader: string;
  tablesOwnedByWriter: number;
}

// Migration bookkeeping stays with the administrator who migrates.
const ADMIN_TABLES = ['schemaversion'];

export async function ensureRoles(pool: pg.Pool, roles: { writer: RoleSpec; reader: RoleSpec }): Promise<RolesReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await ensureLoginRole(client, roles.writer);
    await ensureLoginRole(client, roles.reader);
    const writer = pg.escapeIdentifier(roles.writer.name);
    const reader = pg.escapeIdentifier(roles.reader.name);
    const { rows: [db] } = await client.query('SELECT current_database() AS name, current_schema() AS schema');
    const database = pg.escapeIdentifier(db.name);
    const schema = pg.escapeIdentifier(db.schema);
    await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${writer}, ${reader}`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${writer}`);
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${reader}`);
    const owned = await transferTables(client, writer);
    // `record` checks the schema version at start (it migrates when behind): the writer reads the bookkeeping.
    for (const table of ADMIN_TABLES) {
      const { rows: [found] } = await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
      if (found.found) await client.query(`GRANT SELECT ON ${pg.escapeIdentifier(table)} TO ${writer}`);
    }
    await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader}`);
    for (const creator of [writer, 'CURRENT_USER']) {
      await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${creator} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${reader}`);
    }
    await client.query('COMMIT');
    return { writer: roles.writer.name, reader: roles.reader.name, tablesOwnedByWriter: owned };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function ensureLoginRole(client: pg.ClientBase, role: RoleSpec): Promise<void> {
  const name = pg.escapeIdentifier(role.name);
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  if (!rowCount) await client.query(`CREATE ROLE ${name} LOGIN`);
  // The password is sent as a literal inside DDL (it cannot be a bind parameter); it is never logged.
  if (role.password) await client.query(`ALTER ROLE ${name} LOGIN PASSWORD ${pg.escapeLiteral(role.password)}`);
}

/** Gives every table and partition of the schema (sequences follow their tables) to the writer. */
async function transferTables(client: pg.ClientBase, writer: string): Promise<number> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($1))`, [ADMIN_TABLES]);
  for (const { name } of rows) await client.query(`ALTER TABLE ${pg.escapeIdentifier(name)} OWNER TO ${writer}`);
  return rows.length;
}
