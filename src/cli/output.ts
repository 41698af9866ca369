/** Command output goes to stdout (logs go to stderr), as aligned `label: value` lines. */
export function printFields(fields: ReadonlyArray<readonly [string, string | number]>): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) process.stdout.write(`${`${label}:`.padEnd(width)} ${value}\n`);
}

/** Rows as an aligned text table with a header line, columns in first-seen key order. */
export function printRows(rows: ReadonlyArray<Record<string, unknown>>): void {
  if (rows.length === 0) {
    process.stdout.write('(no rows)\n');
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]?.length ?? 0)));
  const format = (line: string[]): string => line.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${[format(columns), ...cells.map(format)].join('\n')}\n`);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
