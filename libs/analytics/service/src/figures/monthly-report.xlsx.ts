/**
 * The monthly work report a centre sends upwards, as XLSX (exceljs): a title row naming the
 * period and the grouping, the header of REPORT_HEADER, one row per unit (or other group), rates
 * as percentages. The same rows as the CSV.
 */
import ExcelJS from 'exceljs';
import { FigureRow, REPORT_HEADER, reportCells } from './figures';

const RATE_COLUMNS = [7, 8, 9, 10, 11]; // 1-based: 结案率 … 延期率

export async function monthlyReportXlsx(rows: readonly FigureRow[], title: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Fengqiao 枫桥';
  const sheet = book.addWorksheet('月报');
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, REPORT_HEADER.length);
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.addRow([...REPORT_HEADER]).font = { bold: true };
  for (const r of rows) sheet.addRow(reportCells(r));
  for (const c of RATE_COLUMNS) sheet.getColumn(c).numFmt = '0.00%';
  sheet.getColumn(1).width = 18;
  return Buffer.from(await book.xlsx.writeBuffer());
}
