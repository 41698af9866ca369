// Reads a database's catalog into plain, comparable values: what the schema tests assert on.
import pg from 'pg';

export interface ColumnInfo {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  default: string | null;
}

/** Columns of the ordinary and partitioned tables (partitions excluded) of the current schema. */
export async function columns(db: pg.Pool): Promise<ColumnInfo[]> {
  const { rows } = await db.query<ColumnInfo>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname <> 'schemaversion'
     ORDER BY c.relname, a.attnum`);
  return rows;
}

export interface ConstraintInfo {
  table: string;
  name: string;
  type: string;
  definition: string;
}

export async function constraints(db: pg.Pool): Promise<ConstraintInfo[]> {
  const { rows } = await db.query<ConstraintInfo>(`
    SELECT c.relname AS table, k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND NOT c.relispartition AND c.relname <> 'schemaversion'
       AND k.conparentid = 0
     ORDER BY 1, 2`);
  return rows;
}

export interface IndexInfo {
  table: string;
  name: string;
  definition: string;
}

/** Indexes of top-level tables (partition indexes follow from these). */
export async function indexes(db: pg.Pool): Promise<IndexInfo[]> {
  const { rows } = await db.query<IndexInfo>(`
    SELECT tablename AS table, indexname AS name, indexdef AS definition
      FROM pg_indexes i
      JOIN pg_class c ON c.relname = i.tablename AND c.relnamespace = to_regnamespace(i.schemaname)
     WHERE i.schemaname = current_schema() AND NOT c.relispartition AND i.tablename <> 'schemaversion'
     ORDER BY 1, 2`);
  return rows;
}

/** Every table with its partition bound (null for a top-level table), partitions included. */
export async function relations(db: pg.Pool): Promise<{ name: string; kind: string; bound: string | null }[]> {
  const { rows } = await db.query(`
    SELECT c.relname AS name, c.relkind::text AS kind, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S', 'i', 'I') AND c.relname NOT LIKE 'schemaversion%'
     ORDER BY 1`);
  return rows;
}

/** The whole catalog of the schema, as one comparable value. */
export async function catalog(db: pg.Pool): Promise<unknown> {
  return { columns: await columns(db), constraints: await constraints(db), indexes: await indexes(db), relations: await relations(db) };
}
