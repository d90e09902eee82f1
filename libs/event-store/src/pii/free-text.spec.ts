import { findPersonalDataInText, idNumberChecksumValid, redactPersonalDataInText } from './free-text';

describe('personal data in free text', () => {
  it('checks the GB 11643 check character', () => {
    expect(idNumberChecksumValid('11010519491231002X')).toBe(true);
    expect(idNumberChecksumValid('110105194912310021')).toBe(false);
  });

  it('finds mobile, landline and ID numbers with their kinds and places', () => {
    const text = '张先生电话13812345678，家里0575-87654321，身份证11010519491231002X，旧证号110105491231002。';
    const found = findPersonalDataInText(text);
    expect(found.map((f) => [f.kind, f.value])).toEqual([
      ['phone', '13812345678'],
      ['phone', '0575-87654321'],
      ['id_number', '11010519491231002X'],
      ['id_number', '110105491231002'],
    ]);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.value);
  });

  it('finds numbers written with separators and the country code', () => {
    expect(findPersonalDataInText('请拨 138-1234-5678 或 +86 139 0000 1111').map((f) => f.value)).toEqual(['138-1234-5678', '+86 139 0000 1111']);
  });

  it('finds the shortest landline (ten digits) and numbers among the digits of other text', () => {
    expect(findPersonalDataInText('座机010 2345678').map((f) => f.value)).toEqual(['010 2345678']);
    expect(findPersonalDataInText('3号楼2单元，电话(0575)87654321，门牌12号').map((f) => f.value)).toEqual(['(0575)87654321']);
    expect(findPersonalDataInText('座机010 234567')).toEqual([]); // nine digits
  });

  it('leaves ordinary numbers, dates, ids and amounts alone', () => {
    for (const text of [
      '3号楼北侧消防通道被堵，已持续2天',
      '2025-03-01T08:00:00.000Z 上报',
      '案件 0193a3c4-5b6e-7123-8456-123456789012',
      '赔偿金额 12000 元，面积 120 平方米',
      '单号 20250301123456789',
      '110105194912310021',
      'pr-8bd887ef261a9bb76d04713812345678f1a96a',
      'ref obj://photos/13812345678a.jpg',
    ]) {
      expect(findPersonalDataInText(text)).toEqual([]);
    }
  });

  it('redacts every number it finds and nothing else', () => {
    expect(redactPersonalDataInText('联系13812345678，身份证11010519491231002X')).toBe('联系138****5678，身份证110***********002X');
    expect(redactPersonalDataInText('没有号码')).toBe('没有号码');
  });
});
