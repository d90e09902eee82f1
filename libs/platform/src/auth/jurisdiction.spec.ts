import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { Query } from 'mingo';
import { DomainError } from '@fengqiao/kernel';
import { jurisdictionOf, USER_ROLES, type Principal } from '@fengqiao/identity';
import { FIXTURE_UNITS as U, fixtureDirectory, fixtureJurisdictions, fixturePrincipal } from '@fengqiao/identity/testing';
import { denialLog, type Denial } from './denials';
import { assertInJurisdiction, inJurisdiction, jurisdictionFilter, mayReadPersonalData, scopeUnitIds } from './jurisdiction';

Logger.overrideLogger(false);

const snapshot = fixtureDirectory().current();
/** one case in every unit of the fixture, with its unit path as jurisdiction */
const cases = snapshot.units().map((u) => ({ id: `case-${u.id}`, jurisdiction: snapshot.pathOf(u.id) }));
const matching = (filter: object) =>
  cases
    .filter((c) => new Query(filter).test(c))
    .map((c) => c.id)
    .sort();

describe('jurisdiction', () => {
  it("scopes everyone but auditors to their own unit's subtree, and auditors to their explicit scope", () => {
    expect(scopeUnitIds(fixturePrincipal('operator'), 'case.read')).toEqual([U.villageFengyuan]);
    expect(scopeUnitIds(fixturePrincipal('auditor'), 'case.read')).toEqual([U.townFengqiao]);
    expect(scopeUnitIds(fixturePrincipal('auditor'), 'case.close')).toEqual([]);
    expect(scopeUnitIds(fixturePrincipal('mediator'), 'case.read')).toEqual([]);
  });

  it('turns a principal into a read-store filter that finds exactly the cases in its subtree', () => {
    expect(jurisdictionFilter(fixturePrincipal('operator'), 'case.list')).toEqual({ jurisdiction: { $in: [U.villageFengyuan] } });
    expect(matching(jurisdictionFilter(fixturePrincipal('operator'), 'case.list'))).toEqual(
      [`case-${U.villageFengyuan}`, `case-${U.gridFengyuan}`, `case-${U.committeeFengyuan}`].sort(),
    );
    expect(matching(jurisdictionFilter(fixturePrincipal('grid_worker'), 'case.list'))).toEqual([`case-${U.gridFengyuan}`]);
    expect(matching(jurisdictionFilter(fixturePrincipal('auditor'), 'case.list'))).toEqual(
      cases
        .filter((c) => c.jurisdiction.includes(U.townFengqiao))
        .map((c) => c.id)
        .sort(),
    );
    // no role allows the action: the filter matches nothing
    expect(matching(jurisdictionFilter(fixturePrincipal('admin'), 'case.list'))).toEqual([]);
    expect(jurisdictionFilter(fixturePrincipal('operator'), 'case.list', 'scope.path')).toEqual({ 'scope.path': { $in: [U.villageFengyuan] } });
  });

  it('a department sees a case once it is dispatched to it (its id joins the jurisdiction)', () => {
    const dept = fixturePrincipal('department');
    const located = { jurisdiction: jurisdictionOf(snapshot, U.gridLiqiao) };
    const dispatched = { jurisdiction: jurisdictionOf(snapshot, U.gridLiqiao, U.departmentUrbanManagement) };
    expect(new Query(jurisdictionFilter(dept, 'case.read')).test(located)).toBe(false);
    expect(new Query(jurisdictionFilter(dept, 'case.read')).test(dispatched)).toBe(true);
  });

  it('agrees with the query filter for every principal, action and unit (property)', () => {
    const principals = USER_ROLES.map((r) => fixturePrincipal(r));
    fc.assert(
      fc.property(
        fc.constantFrom(...principals),
        fc.constantFrom('case.read' as const, 'case.close' as const, 'mediation.read' as const, 'directory.manage' as const),
        fc.subarray(
          snapshot.units().map((u) => u.id),
          { minLength: 1, maxLength: 3 },
        ),
        (principal, action, unitIds) => {
          const jurisdiction = jurisdictionOf(snapshot, unitIds[0], ...unitIds.slice(1));
          return inJurisdiction(principal, jurisdiction, action) === new Query(jurisdictionFilter(principal, action)).test({ jurisdiction });
        },
      ),
    );
  });

  describe('assertInJurisdiction', () => {
    let denials: Denial[];
    let stop: () => void;
    beforeEach(() => {
      denials = [];
      stop = denialLog.subscribe((d) => denials.push(d));
    });
    afterEach(() => stop());

    const codeOf = (fn: () => void) => {
      try {
        fn();
        return 'allowed';
      } catch (e) {
        return e instanceof DomainError && e.kind === 'forbidden' ? e.code : 'other';
      }
    };

    it('allows inside and refuses outside, for every fixture role', () => {
      const j = fixtureJurisdictions(snapshot);
      for (const role of USER_ROLES) {
        const p = fixturePrincipal(role, snapshot);
        const action =
          role === 'mediator' ? 'mediation.read' : role === 'petition_officer' ? 'petition.read' : role === 'admin' ? 'directory.manage' : 'case.read';
        expect([role, codeOf(() => assertInJurisdiction(p, j[role].inside, action, { type: 'case' }))]).toEqual([role, 'allowed']);
        const outside = j[role].outside;
        if (outside) expect([role, codeOf(() => assertInJurisdiction(p, outside, action, { type: 'case' }))]).toEqual([role, 'AUTH.OUT_OF_JURISDICTION']);
      }
    });

    it('refuses an action the role lacks even inside, and logs each denial with user, action and resource only', () => {
      const p: Principal = fixturePrincipal('grid_worker', snapshot);
      expect(codeOf(() => assertInJurisdiction(p, snapshot.pathOf(U.gridFengyuan), 'case.close', { type: 'case', id: 'c-1' }))).toBe('AUTH.ACTION_FORBIDDEN');
      expect(codeOf(() => assertInJurisdiction(p, snapshot.pathOf(U.gridLiqiao), 'case.read', { type: 'case', id: 'c-2' }))).toBe('AUTH.OUT_OF_JURISDICTION');
      expect(denials).toEqual([
        {
          status: 403,
          reason: 'AUTH.ACTION_FORBIDDEN',
          userId: p.userId,
          roles: ['grid_worker'],
          action: 'case.close',
          resource: { type: 'case', id: 'c-1', jurisdiction: snapshot.pathOf(U.gridFengyuan) },
        },
        {
          status: 403,
          reason: 'AUTH.OUT_OF_JURISDICTION',
          userId: p.userId,
          roles: ['grid_worker'],
          action: 'case.read',
          resource: { type: 'case', id: 'c-2', jurisdiction: snapshot.pathOf(U.gridLiqiao) },
        },
      ]);
    });
  });

  describe('mayReadPersonalData', () => {
    it('lets handling roles see it inside their unit, auditors only inside their personal-data scope, others never', () => {
      const inFengyuan = snapshot.pathOf(U.gridFengyuan);
      const inLiqiao = snapshot.pathOf(U.gridLiqiao);
      expect(mayReadPersonalData(fixturePrincipal('operator'), inFengyuan)).toBe(true);
      expect(mayReadPersonalData(fixturePrincipal('operator'), inLiqiao)).toBe(false);
      expect(mayReadPersonalData(fixturePrincipal('operator'), undefined)).toBe(true);
      expect(mayReadPersonalData(fixturePrincipal('auditor'), inFengyuan)).toBe(true);
      expect(mayReadPersonalData(fixturePrincipal('auditor'), inLiqiao)).toBe(false);
      expect(mayReadPersonalData(fixturePrincipal('auditor'), undefined)).toBe(false);
      expect(mayReadPersonalData(fixturePrincipal('admin'), inFengyuan)).toBe(false);
      expect(mayReadPersonalData(undefined, inFengyuan)).toBe(false);
    });
  });
});
