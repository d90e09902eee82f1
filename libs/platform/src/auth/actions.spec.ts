import { USER_ROLES } from '@fengqiao/identity';
import { fixturePrincipal } from '@fengqiao/identity/testing';
import { ACTIONS, ALL_ACTIONS, actionsOf, actorOf, can, ROLE_ACTIONS, rolesFor } from './actions';

describe('role × action table', () => {
  it('gives every action to at least one role (no dead entries)', () => {
    expect(ALL_ACTIONS.filter((a) => rolesFor(a).length === 0)).toEqual([]);
  });

  it('keeps auditors read-only', () => {
    expect(ROLE_ACTIONS.auditor.filter((a) => ACTIONS[a].writes)).toEqual([]);
    expect(ROLE_ACTIONS.auditor).toEqual(expect.arrayContaining(['case.read', 'mediation.read', 'petition.read', 'audit.timeline', 'audit.export']));
  });

  it('gives admins no case data and no personal data (only its erasure, which reveals nothing)', () => {
    expect(ROLE_ACTIONS.admin.filter((a) => /^(case|mediation|petition|audit)\.|^personal_data\.read/.test(a))).toEqual([]);
    expect(rolesFor('personal_data.erase')).toEqual(['admin']);
  });

  it('keeps each context to its roles', () => {
    expect(rolesFor('mediation.agreement')).toEqual(['mediator']);
    expect(rolesFor('petition.opinion')).toEqual(['petition_officer']);
    expect(rolesFor('case.file')).toEqual(['operator']);
    expect(rolesFor('case.object')).toEqual(['operator', 'department']);
    expect(rolesFor('case.report')).toEqual(['operator', 'grid_worker']);
    expect(rolesFor('directory.manage')).toEqual(['admin']);
    expect(rolesFor('self.read')).toEqual([...USER_ROLES]);
  });

  it('answers for principals with several roles, and names the acting role', () => {
    const p = { ...fixturePrincipal('operator'), roles: ['grid_worker' as const, 'operator' as const] };
    expect(can(p, 'case.file')).toBe(true);
    expect(can(p, 'mediation.read')).toBe(false);
    // the directory version of the token goes on the events the actor causes (issue 4: the directory of its day)
    expect(actorOf(p, 'case.report')).toEqual({ userId: p.userId, role: 'grid_worker', unitId: p.unitId, directoryVersion: p.directoryVersion });
    expect(actorOf(p, 'case.file').role).toBe('operator');
    expect(() => actorOf(p, 'mediation.read')).toThrow();
    expect(actionsOf(fixturePrincipal('admin'))).toEqual([
      'analytics.board',
      'directory.read',
      'directory.manage',
      'user.manage',
      'config.manage',
      'self.read',
      'personal_data.erase',
    ]);
  });
});
