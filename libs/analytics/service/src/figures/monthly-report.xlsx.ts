/**
 * The monthly work report a centre sends upwards, as XLSX (exceljs): one sheet per section (grid
 * cases, people's mediation, petitions), each with a title row naming the period and the grouping,
 * its header, one row per unit (or other group), rates as percentages. The same rows as the CSVs.
 */
import ExcelJS from 'exceljs';

export interface ReportSheet {
  name: string;
  title: string;
  header: readonly string[];
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
  /** 1-based columns holding rates 0–1, shown as percentages */
  rateColumns: readonly number[];
}

export async function monthlyReportXlsx(sheets: readonly ReportSheet[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Fengqiao 枫桥';
  for (const s of sheets) {
    const sheet = book.addWorksheet(s.name);
    sheet.addRow([s.title]);
    sheet.mergeCells(1, 1, 1, s.header.length);
    sheet.getRow(1).font = { bold: true, size: 14 };
    sheet.addRow([...s.header]).font = { bold: true };
    for (const r of s.rows) sheet.addRow([...r]);
    for (const c of s.rateColumns) sheet.getColumn(c).numFmt = '0.00%';
    sheet.getColumn(1).width = 18;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
