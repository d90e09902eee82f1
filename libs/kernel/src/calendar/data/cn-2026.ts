import { CalendarYearData } from '../calendar.types';

/**
 * China, national, 2026 — 国务院办公厅关于2026年部分节假日安排的通知（2025-11-04, published by 新华社
 * the same day; document number not seen in the copies read). Read on politics.gmw.cn and
 * cross-checked against three other reprints (hrbtv.net, 中山日报 2025-11-05, cnr.cn).
 *
 * 元旦 1月1日（周四）至3日（周六）放假调休，共3天；1月4日（周日）上班。
 * 春节 2月15日（腊月二十八、周日）至23日（正月初七、周一）放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
 * 清明节 4月4日（周六）至6日（周一）放假，共3天。
 * 劳动节 5月1日（周五）至5日（周二）放假调休，共5天；5月9日（周六）上班。
 * 端午节 6月19日（周五）至21日（周日）放假，共3天。
 * 中秋节 9月25日（周五）至27日（周日）放假，共3天。
 * 国庆节 10月1日（周四）至7日（周三）放假调休，共7天；9月20日（周日）、10月10日（周六）上班。
 */
export const CN_2026: CalendarYearData = {
  year: 2026,
  notice: {
    year: 2026,
    title: '国务院办公厅关于2026年部分节假日安排的通知',
    issuedOn: '2025-11-04',
    url: 'https://politics.gmw.cn/2025-11/04/content_38391083.htm',
  },
  periods: [
    { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
    { name: '春节', from: '2026-02-15', to: '2026-02-23' },
    { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
    { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
    { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
    { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
    { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
  ],
  makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
