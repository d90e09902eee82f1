import type { Me } from '../api/types';
import { homeFor, navFor } from './nav';

// the roles and actions /auth/me gives the demo users (libs/demo)
const me = (roles: Me['roles'], actions: string[]): Me => ({
  userId: 'u',
  username: 'u',
  displayName: 'u',
  roles,
  unitId: 'x',
  unitName: '',
  unitPath: [],
  actions,
});
const read = ['case.read', 'case.list', 'directory.read', 'self.read'];
const paths = (m: Me) => navFor(m).map((n) => n.path);

describe('navigation by role', () => {
  it('gives the centre operator the board, reporting, the map and the dashboard, landing on the board', () => {
    const op = me(['operator'], [...read, 'case.report', 'case.file', 'case.dispatch', 'analytics.board']);
    expect(paths(op)).toEqual(['/board', '/report', '/map', '/dashboard']);
    expect(homeFor(op)).toBe('/board');
  });

  it('gives a grid worker their work orders first, reporting and the map; a department no reporting', () => {
    expect(paths(me(['grid_worker'], [...read, 'case.report', 'case.accept']))).toEqual(['/work', '/report', '/map']);
    expect(paths(me(['department'], [...read, 'case.accept', 'case.object']))).toEqual(['/work', '/map']);
  });

  it('gives the mediator, the petition officer and the auditor their own desk', () => {
    expect(paths(me(['mediator'], ['self.read']))).toEqual(['/desk/mediation']);
    expect(paths(me(['petition_officer'], ['self.read']))).toEqual(['/desk/petitions']);
    expect(homeFor(me(['auditor'], ['self.read']))).toBe('/desk/audit');
  });

  it('offers no case page to a role that may not list cases', () => {
    expect(paths(me(['admin'], ['directory.read', 'config.manage']))).toEqual([]);
  });
});
