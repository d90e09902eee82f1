import { execFileSync } from 'node:child_process';

/**
 * Reads the cells of one sheet of an XLSX file with `unzip` and the sheet XML (a reader independent
 * of exceljs), for tests: cell reference → shown text (shared strings resolved).
 */
export function readXlsxSheet(file: string, sheetNumber: number): Map<string, string> {
  const unzip = (part: string) => execFileSync('unzip', ['-p', file, part], { encoding: 'utf8' });
  const shared = [...unzip('xl/sharedStrings.xml').matchAll(/<si>(?:<t[^>]*>([^<]*)<\/t>|<r>.*?<\/r>)<\/si>/g)].map((m) => m[1]);
  const sheet = unzip(`xl/worksheets/sheet${sheetNumber}.xml`);
  const cells = new Map<string, string>();
  for (const m of sheet.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(?:<f>[^<]*<\/f>)?<v>([^<]*)<\/v><\/c>)/g)) {
    const [, ref, attrs, v] = m;
    if (v === undefined) continue;
    cells.set(ref, / t="s"/.test(attrs) ? shared[Number(v)] : v);
  }
  return cells;
}

/** The row number whose column A shows `key`. */
export function rowOf(cells: Map<string, string>, key: string): string | undefined {
  return [...cells.entries()].find(([ref, v]) => /^A\d+$/.test(ref) && v === key)?.[0].slice(1);
}
