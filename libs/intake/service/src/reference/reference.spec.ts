import { demoDistrict } from '@fengqiao/demo';
import { AddressIndex, normaliseAddress } from './address-index';
import { demoReference } from './demo-reference';
import { ReferenceData } from './intake-reference';

describe('address table', () => {
  it('normalises width, case, blanks and punctuation', () => {
    expect(normaliseAddress(' 枫源小区　３号楼，北侧 (A座) ')).toBe('枫源小区3号楼北侧a座');
  });

  it('exact match first, then the longest known prefix of at least 4 characters, else nothing', () => {
    const index = new AddressIndex([
      { address: '枫源小区', gridId: 'g-1' },
      { address: '枫源小区3号楼', gridId: 'g-2' },
      { address: '老街', gridId: 'g-3' },
    ]);
    expect(index.gridOf('枫源小区 3号楼')).toBe('g-2');
    expect(index.gridOf('枫源小区3号楼北侧门口')).toBe('g-2');
    expect(index.gridOf('枫源小区5号楼')).toBe('g-1');
    expect(index.gridOf('老街牌坊')).toBeNull(); // "老街" is too short to stand for everything after it
    expect(index.gridOf('老街')).toBe('g-3');
    expect(index.gridOf('新村')).toBeNull();
    expect(index.gridOf('  ')).toBeNull();
  });

  it('refuses one address listed for two grids', () => {
    expect(
      () =>
        new AddressIndex([
          { address: '老街', gridId: 'g-1' },
          { address: '老 街', gridId: 'g-2' },
        ]),
    ).toThrow(/both g-1 and g-2/);
  });
});

describe('reference data (the demo district)', () => {
  const ref = new ReferenceData(demoReference());

  it('locates every demo report at its grid, by point and by address', () => {
    for (const r of demoDistrict.reports) {
      expect(ref.locate({ point: r.point })).toEqual({ gridId: r.gridId, locatedBy: 'point' });
      if (r.address) expect(ref.locate({ address: r.address })).toEqual({ gridId: r.gridId, locatedBy: 'address' });
    }
    expect(ref.locate({ point: { lat: 0, lng: 0 } })).toEqual({ gridId: null, locatedBy: null });
    expect(ref.locate({ point: { lat: 0, lng: 0 }, address: '枫源社区第一网格' })).toEqual({ gridId: 'g-1-1-1', locatedBy: 'address' });
  });

  it('the receiving centre of a grid worker is their village, of an operator their own centre, of nobody the district', () => {
    expect(ref.receivingCentreOf('g-2-1-3')).toBe('v-2-1');
    expect(ref.receivingCentreOf('t-3')).toBe('t-3');
    expect(ref.receivingCentreOf(undefined)).toBe('d-fq');
    expect(ref.jurisdictionOf(null, 'v-2-1')).toEqual(['d-fq', 't-2', 'v-2-1']);
    expect(ref.jurisdictionOf('g-2-1-3', 'd-fq')).toEqual(['d-fq', 't-2', 'v-2-1', 'g-2-1-3']);
    expect(ref.centreLevelOf('t-3')).toBe('town');
  });

  it('refuses reference data whose receiving unit is not a centre, or with a category twice', () => {
    const demo = demoReference();
    expect(() => new ReferenceData({ ...demo, receivingUnitId: 'g-1-1-1' })).toThrow(/receivingUnitId/);
    expect(() => new ReferenceData({ ...demo, categories: [...demo.categories, demo.categories[0]] })).toThrow(/listed twice/);
  });
});
