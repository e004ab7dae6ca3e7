/** One cell of a CSV file. */
export type CsvCell = string | number | boolean | undefined | null;

// Spreadsheets run a cell starting with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: CsvCell): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) {
    // A leading quote makes it text again (OWASP's advice against CSV injection).
    text = `'${text}`;
  }
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV: a header row, then one row per record, CRLF line ends;
 * a cell is quoted when it holds a comma, a quote, a line break or edge
 * spaces, with quotes doubled.
 */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return `${[header, ...rows]
    .map(row => row.map(csvCell).join(','))
    .join('\r\n')}\r\n`;
}

/** Makes the browser download `csv` as `filename`. */
export function downloadCsv(filename: string, csv: string): void {
  // A byte-order mark makes Excel read the file as UTF-8.
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
