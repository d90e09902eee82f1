import { CalendarNoticeData } from '../calendar/calendar-notices';

/**
 * A made-up notice for 2027, for tests only (NOT the real one, which is not published yet): 元旦
 * 01-01..01-03, 春节 02-05..02-11, make-up workdays Sun 01-31 and Sat 02-20 (inside a petition period running from 2026-12-10).
 */
export const TEST_NOTICE_2027: CalendarNoticeData = {
  region: 'CN',
  year: 2027,
  source: { title: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）', documentNumber: '测试〔2026〕1号', issuedOn: '2026-12-20' },
  periods: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-05', to: '2027-02-11' },
  ],
  makeUpWorkdays: ['2027-01-31', '2027-02-20'],
};
