import { CalendarYearData } from '../calendar.types';

/**
 * China, national, 2024 — 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25；
 * 国务院公报 2023 年第 31 号）. Read on zh.wikisource.org and cross-checked against news reprints of
 * the same day. Under the 2013 放假办法 (before the 2024 revision).
 *
 * 元旦 1月1日放假，与周末连休 (the weekend before is 2023-12-30/31, outside this year).
 * 春节 2月10日至17日放假调休，共8天；2月4日（星期日）、2月18日（星期日）上班。
 *   (The notice only *encourages* units to let staff off on 除夕 2月9日: not a day off here.)
 * 清明节 4月4日至6日放假调休，共3天；4月7日（星期日）上班。
 * 劳动节 5月1日至5日放假调休，共5天；4月28日（星期日）、5月11日（星期六）上班。
 * 端午节 6月10日放假，与周末连休 (6月8日–10日).
 * 中秋节 9月15日至17日放假调休，共3天；9月14日（星期六）上班。
 * 国庆节 10月1日至7日放假调休，共7天；9月29日（星期日）、10月12日（星期六）上班。
 */
export const CN_2024: CalendarYearData = {
  year: 2024,
  notice: {
    year: 2024,
    title: '国务院办公厅关于2024年部分节假日安排的通知',
    documentNumber: '国办发明电〔2023〕7号',
    issuedOn: '2023-10-25',
    url: 'https://zh.wikisource.org/wiki/国务院办公厅关于2024年部分节假日安排的通知',
  },
  periods: [
    { name: '元旦', from: '2024-01-01', to: '2024-01-01' },
    { name: '春节', from: '2024-02-10', to: '2024-02-17' },
    { name: '清明节', from: '2024-04-04', to: '2024-04-06' },
    { name: '劳动节', from: '2024-05-01', to: '2024-05-05' },
    { name: '端午节', from: '2024-06-08', to: '2024-06-10' },
    { name: '中秋节', from: '2024-09-15', to: '2024-09-17' },
    { name: '国庆节', from: '2024-10-01', to: '2024-10-07' },
  ],
  makeUpWorkdays: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
};
