import 'reflect-metadata';
import { FIXTURE_UNITS as U, fixtureDirectory, fixturePrincipal } from '@fengqiao/identity/testing';
import { looksLikePersonalData, maskAddress, maskIdNumber, maskName, maskPersonalData, maskPhone, PersonalData } from './personal-data';

describe('masking functions', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['欧阳娜娜', '欧***'],
    ['李', '*'],
    ['John Smith', 'J*********'],
  ])('name %s → %s', (input, masked) => expect(maskName(input)).toBe(masked));

  it.each([
    ['110105199001011234', '110***********1234'],
    ['11010519900101123X', '110***********123X'],
    ['110105900101123', '110********1123'],
    ['1234567', '*******'],
  ])('ID number %s → %s', (input, masked) => expect(maskIdNumber(input)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138 **** 5678'],
    ['0575-87654321', '057*-****4321'],
    ['123456', '******'],
  ])('phone %s → %s', (input, masked) => expect(maskPhone(input)).toBe(masked));

  it.each([
    ['浙江省诸暨市枫桥镇枫源村3组12号', '浙江省诸暨市枫桥镇枫源村****'],
    ['城东街道东湖社区幸福路8号2单元301室', '城东街道东湖社区****'],
    ['枫桥镇枫源村', '枫桥镇枫源村'],
    ['幸福路8号2单元301室', '幸福路8****'],
  ])('address %s → %s', (input, masked) => expect(maskAddress(input)).toBe(masked));

  it('spots ID numbers and mobile numbers that must not become message keys or log fields', () => {
    expect(looksLikePersonalData('110105199001011234')).toBe(true);
    expect(looksLikePersonalData('party-13812345678')).toBe(true);
    expect(looksLikePersonalData('0198f5a2-7c41-7d2e-9b1a-3c4d5e6f7a8b')).toBe(false);
    expect(looksLikePersonalData('grid-case-20250101-000123')).toBe(false);
  });
});

class PartyView {
  @PersonalData('name') name!: string;
  @PersonalData('phone') phone!: string;
  role!: string;
  constructor(init: Partial<PartyView>) {
    Object.assign(this, init);
  }
}

describe('maskPersonalData', () => {
  const snapshot = fixtureDirectory().current();
  const caseIn = (unitId: string) => ({
    id: `case-${unitId}`,
    jurisdiction: snapshot.pathOf(unitId),
    reporter: { name: '张三丰', phone: '13812345678', idNumber: '110105199001011234' },
    address: '浙江省诸暨市枫桥镇枫源村3组12号',
    parties: [new PartyView({ name: '李四', phone: '13900001111', role: 'applicant' })],
    reportedAt: new Date('2025-03-03T09:00:00Z'),
  });
  const fields = { name: 'name', phone: 'phone', idNumber: 'id_number', address: 'address' } as const;

  it('leaves data visible to roles that handle the case in their unit', () => {
    const doc = caseIn(U.gridFengyuan);
    const out = maskPersonalData(doc, { principal: fixturePrincipal('operator', snapshot), fields });
    expect(out.reporter).toEqual(doc.reporter);
    expect(out.parties[0]).toMatchObject({ name: '李四', phone: '13900001111' });
  });

  it('masks for admins, anonymous callers and dashboards, by field metadata and by class decorators', () => {
    const doc = caseIn(U.gridFengyuan);
    for (const options of [
      { principal: fixturePrincipal('admin', snapshot), fields },
      { principal: undefined, fields },
      { principal: fixturePrincipal('operator', snapshot), fields, maskAll: true },
    ]) {
      const out = maskPersonalData(doc, options);
      expect(out.reporter).toEqual({ name: '张**', phone: '138****5678', idNumber: '110***********1234' });
      expect(out.address).toBe('浙江省诸暨市枫桥镇枫源村****');
      expect(out.parties[0]).toEqual({ name: '李*', phone: '139****1111', role: 'applicant' });
      expect(out.reportedAt).toEqual(doc.reportedAt);
      expect(out.id).toBe(doc.id);
    }
    // the input is not changed
    expect(doc.reporter.name).toBe('张三丰');
    expect(doc.parties[0].name).toBe('李四');
  });

  it('masks class-declared fields even without a handler field map', () => {
    const out = maskPersonalData(
      { jurisdiction: snapshot.pathOf(U.gridFengyuan), party: new PartyView({ name: '王五', phone: '13700000000' }) },
      { principal: undefined },
    );
    expect(out.party).toEqual({ name: '王*', phone: '137****0000' });
  });

  it("shows auditors personal data only inside their scope's personal-data units, per document", () => {
    const auditor = fixturePrincipal('auditor', snapshot);
    const [inside, outside] = maskPersonalData([caseIn(U.gridFengyuan), caseIn(U.gridLiqiao)], { principal: auditor, fields });
    expect(inside.reporter.name).toBe('张三丰');
    expect(outside.reporter.name).toBe('张**');
    expect(outside.parties[0].name).toBe('李*');
  });
});
