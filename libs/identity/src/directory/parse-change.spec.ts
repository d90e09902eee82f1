import { DomainError } from '@fengqiao/kernel';
import { FIXTURE_UNITS as U, FIXTURE_USERS, fixtureDirectory } from '../testing/fixture-directory';
import { affectedUnitPaths, parseDirectoryChange } from './parse-change';

const code = (input: unknown) => {
  try {
    parseDirectoryChange(input);
    return 'ok';
  } catch (e) {
    return e instanceof DomainError ? `${e.code} ${String(e.details?.['field'])}` : 'other';
  }
};

describe('parseDirectoryChange', () => {
  it('keeps only the known fields of a well-formed change', () => {
    expect(parseDirectoryChange({ type: 'UnitRenamed', unitId: 'v-1', name: '新村', extra: 'dropped' })).toEqual({
      type: 'UnitRenamed',
      unitId: 'v-1',
      name: '新村',
    });
    expect(parseDirectoryChange({ type: 'UserChanged', userId: 'u-1', auditScope: null })).toEqual({ type: 'UserChanged', userId: 'u-1', auditScope: null });
    expect(
      parseDirectoryChange({
        type: 'UserAdded',
        user: { id: 'u', username: 'a.b', displayName: '甲', unitId: 'v', roles: ['auditor'], auditScope: { unitIds: ['t'] } },
      }),
    ).toEqual({
      type: 'UserAdded',
      user: { id: 'u', username: 'a.b', displayName: '甲', unitId: 'v', roles: ['auditor'], auditScope: { unitIds: ['t'], personalDataUnitIds: [] } },
    });
  });

  it('names the field that is wrong', () => {
    expect(code('UnitRenamed')).toBe('DIRECTORY.INVALID_CHANGE change');
    expect(code({ type: 'Nope' })).toBe('DIRECTORY.INVALID_CHANGE change.type');
    expect(code({ type: 'UnitRenamed', unitId: 7, name: 'x' })).toBe('DIRECTORY.INVALID_CHANGE change.unitId');
    expect(code({ type: 'UnitAdded', unit: { id: 'x', kind: 'grid', name: 'x' } })).toBe('DIRECTORY.INVALID_CHANGE change.unit.parentId');
    expect(code({ type: 'UserAdded', user: { id: 'u', username: 'a', displayName: 'b', unitId: 'v', roles: 'admin' } })).toBe(
      'DIRECTORY.INVALID_CHANGE change.user.roles',
    );
  });
});

describe('affectedUnitPaths', () => {
  const snap = fixtureDirectory().current();
  it('covers where a user is and where the change would put them', () => {
    expect(affectedUnitPaths(snap, { type: 'UserChanged', userId: FIXTURE_USERS.operator, unitId: U.district })).toEqual([
      [U.district, U.townFengqiao, U.villageFengyuan],
      [U.district],
    ]);
    expect(affectedUnitPaths(snap, { type: 'UnitMoved', unitId: U.villageLiqiao, parentId: U.townChengdong })).toEqual([
      [U.district, U.townFengqiao, U.villageLiqiao],
      [U.district, U.townChengdong],
    ]);
    expect(
      affectedUnitPaths(snap, { type: 'UserChanged', userId: FIXTURE_USERS.auditor, auditScope: { unitIds: [U.townChengdong], personalDataUnitIds: [] } }),
    ).toEqual([[U.district], [U.district, U.townChengdong]]);
    expect(affectedUnitPaths(snap, { type: 'UserDisabled', userId: 'missing' })).toEqual([[]]);
  });
});
