// Recordings of valid quotes with hostile lines between them, and what the database must hold after they are
// loaded: each valid quote exactly once, each hostile line as its Expectation says. Checks return readable problems
// (one string each) rather than throwing at the first, so a failing run names every line that went wrong.
import { writeFile } from 'node:fs/promises';
import type pg from 'pg';
import { levelOneFrame, snapshotItem, type Expectation, type HostileLine, type ValidQuote } from './arbitraries.js';

/** The largest raw excerpt a quarantined line may keep (issue 12 §2: "a bounded excerpt"), in characters. */
export const RAW_EXCERPT_MAX = 1 << 20;

export interface ExpectedLine {
  seq: number;
  label: string;
  expect: Expectation;
}

export interface ExpectedQuote extends ValidQuote {
  seq: number;
}

/** Lines of a recording being built: seq strictly increasing from 1, ts one millisecond apart. */
export class RecordingBuilder {
  readonly lines: string[] = [];
  readonly quotes: ExpectedQuote[] = [];
  readonly hostile: ExpectedLine[] = [];
  private seq = 0;

  constructor(readonly id: string, private readonly startTs = 1715777956144) {
    this.lines.push(JSON.stringify({ type: 'meta', format: 'schwab-recorder/1', recording: id, segment: 1, startedAt: new Date(startTs).toISOString() }));
  }

  /** One frame of full level-one snapshots; symbols are given here, distinct across the recording. */
  valid(quotes: ReadonlyArray<Omit<ValidQuote, 'symbol'>>): void {
    const seq = this.next();
    const first = this.quotes.length;
    const named = quotes.map((q, i) => ({ ...q, symbol: `V${first + i}`, seq }));
    this.quotes.push(...named);
    this.lines.push(`{"seq":${seq},"ts":${this.startTs + seq},"type":"ws","frame":${levelOneFrame(named.map(snapshotItem))}}`);
  }

  add(line: HostileLine): void {
    const seq = this.next();
    this.hostile.push({ seq, label: line.label, expect: line.expect });
    this.lines.push(line.text(seq, this.startTs + seq));
  }

  async write(file: string): Promise<void> {
    await writeFile(file, `${this.lines.join('\n')}\n`);
  }

  private next(): number {
    this.seq += 1;
    return this.seq;
  }
}

/** Every valid quote is in equity_quotes exactly once, with its seq and values. */
export async function quoteProblems(pool: pg.Pool, quotes: readonly ExpectedQuote[]): Promise<string[]> {
  const symbols = quotes.map((q) => q.symbol);
  const { rows } = await pool.query<{ seq: number; symbol: string; bid: number; ask: number; last: number; volume: number; quote_time: number }>(
    `SELECT seq::int, symbol, bid_price AS bid, ask_price AS ask, last_price AS last, total_volume::float8 AS volume,
            (extract(epoch FROM quote_time) * 1000)::float8 AS quote_time
       FROM equity_quotes WHERE symbol = ANY($1) ORDER BY symbol, seq`, [symbols]);
  const found = rows.map((r) => JSON.stringify([r.seq, r.symbol, r.bid, r.ask, r.last, r.volume, r.quote_time]));
  const wanted = [...quotes].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((q) => JSON.stringify([q.seq, q.symbol, q.bid, q.ask, q.last, q.volume, q.quoteTime]));
  const problems: string[] = [];
  for (const w of wanted) if (!found.includes(w)) problems.push(`valid quote missing: ${w}`);
  const seen = new Set<string>();
  for (const f of found) {
    if (!wanted.includes(f)) problems.push(`unexpected quote row: ${f}`);
    if (seen.has(f)) problems.push(`quote row twice: ${f}`);
    seen.add(f);
  }
  return problems;
}

interface Counts {
  rejects: Map<number, number>;
  tables: Record<'equity_quotes' | 'account_activity' | 'stream_events', Map<number, number>>;
  bars: Map<string, number>;
}

async function countsBySeq(pool: pg.Pool, table: string): Promise<Map<number, number>> {
  // An unknown service, command or field is noted as an event the first time its NAME shows up (test/pipeline/
  // unknowns.test.ts), whichever line that is: not an outcome of one line, so not counted here.
  const notes = table === 'stream_events' ? ` AND event NOT LIKE 'unknown\\_%'` : '';
  const { rows } = await pool.query<{ seq: number; n: number }>(`SELECT seq::int, count(*)::int AS n FROM ${table} WHERE seq IS NOT NULL${notes} GROUP BY seq`);
  return new Map(rows.map((r) => [r.seq, r.n]));
}

async function counts(pool: pg.Pool): Promise<Counts> {
  const { rows: bars } = await pool.query<{ symbol: string; n: number }>('SELECT symbol, count(*)::int AS n FROM price_data GROUP BY symbol');
  return {
    rejects: await countsBySeq(pool, 'rejected_rows'),
    tables: {
      equity_quotes: await countsBySeq(pool, 'equity_quotes'),
      account_activity: await countsBySeq(pool, 'account_activity'),
      stream_events: await countsBySeq(pool, 'stream_events'),
    },
    bars: new Map(bars.map((r) => [r.symbol, r.n])),
  };
}

/**
 * Each hostile line left what its Expectation says, and nothing else was quarantined: no line outside `lines` (or,
 * when given, none of `validSeqs`: a live recording also holds REST bodies and events the test did not write).
 */
export async function lineProblems(
  pool: pg.Pool, recordingId: string, lines: readonly ExpectedLine[], validSeqs?: ReadonlySet<number>,
): Promise<string[]> {
  const c = await counts(pool);
  const problems: string[] = [];
  for (const { seq, label, expect } of lines) {
    const rejects = c.rejects.get(seq) ?? 0;
    const rows = Object.entries(c.tables).filter(([, bySeq]) => bySeq.has(seq)).map(([table, bySeq]) => `${bySeq.get(seq)} ${table}`);
    const found = `${rejects} rejected, rows: ${rows.join(', ') || 'none'}`;
    const problem = lineProblem(expect, seq, rejects, rows, c);
    if (problem) problems.push(`seq ${seq} (${label.slice(0, 120)}): expected ${describe(expect)}, found ${found}`);
  }
  const hostileSeqs = new Set(lines.map((l) => l.seq));
  for (const seq of c.rejects.keys()) {
    const valid = validSeqs ? validSeqs.has(seq) : !hostileSeqs.has(seq);
    if (valid) problems.push(`seq ${seq} is a valid line but has a rejected_rows row`);
  }
  problems.push(...await rejectProblems(pool, recordingId));
  return problems;
}

function lineProblem(expect: Expectation, seq: number, rejects: number, rows: string[], c: Counts): boolean {
  switch (expect.kind) {
    case 'noop': return rejects > 0 || rows.length > 0;
    case 'reject': return rejects === 0 || rows.length > 0;
    case 'rows': return rejects > 0 || rows.length !== 1 || c.tables[expect.table].get(seq) !== expect.count;
    case 'bars': return rejects > 0 || rows.length > 0 || expect.symbols.some((s) => c.bars.get(s) !== 1);
    case 'accounted': return rejects + (c.tables[expect.table].get(seq) ?? 0) === 0;
  }
}

function describe(expect: Expectation): string {
  switch (expect.kind) {
    case 'rows': return `${expect.count} ${expect.table} row(s) and no reject`;
    case 'bars': return `one price_data row for ${expect.symbols.join(', ')} and no reject`;
    case 'accounted': return `a ${expect.table} row or a reject`;
    default: return expect.kind;
  }
}

/** Every quarantined row has a reason, a bounded excerpt of the raw text, and the recording's id. */
async function rejectProblems(pool: pg.Pool, recordingId: string): Promise<string[]> {
  const { rows } = await pool.query<{ seq: number; reason: string; raw_length: number; recording_id: string | null }>(
    'SELECT seq::int, reason, length(raw_text) AS raw_length, recording_id FROM rejected_rows ORDER BY seq');
  return rows.flatMap((r) => [
    ...(r.reason.trim() === '' ? [`seq ${r.seq}: reject without a reason`] : []),
    ...(r.raw_length > RAW_EXCERPT_MAX ? [`seq ${r.seq}: raw excerpt of ${r.raw_length} characters (bound ${RAW_EXCERPT_MAX})`] : []),
    ...(r.recording_id !== recordingId ? [`seq ${r.seq}: recording_id ${r.recording_id}, not ${recordingId}`] : []),
  ]);
}

/** Row counts of every table a replay writes: a second replay must leave them as they are. */
export async function tableCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const tables = ['equity_quotes', 'option_quotes', 'price_data', 'account_activity', 'stream_events', 'rejected_rows'];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return out;
}
