import type { Me } from '../api/types';

/** The console's pages and who sees them (the API stays the judge of every call). */
export interface NavItem {
  path: string;
  label: string;
  show: (me: Me) => boolean;
}

const has = (me: Me, ...roles: string[]) => roles.some((r) => (me.roles as string[]).includes(r));
const can = (me: Me, action: string) => me.actions.includes(action);

export const NAV: NavItem[] = [
  { path: '/board', label: '事件总览', show: (me) => has(me, 'operator') && can(me, 'case.list') },
  { path: '/work', label: '我的工单', show: (me) => has(me, 'grid_worker', 'department') && can(me, 'case.list') },
  { path: '/report', label: '事件上报', show: (me) => can(me, 'case.report') },
  { path: '/map', label: '网格地图', show: (me) => can(me, 'case.list') && can(me, 'directory.read') },
  { path: '/dashboard', label: '领导驾驶舱', show: (me) => can(me, 'analytics.board') },
  { path: '/desk/mediation', label: '调解工作台', show: (me) => has(me, 'mediator') },
  { path: '/desk/petitions', label: '信访工作台', show: (me) => has(me, 'petition_officer') },
  { path: '/desk/audit', label: '审计查证', show: (me) => has(me, 'auditor') },
];

export const navFor = (me: Me): NavItem[] => NAV.filter((n) => n.show(me));

/** The page a user lands on after signing in. */
export const homeFor = (me: Me): string => navFor(me)[0]?.path ?? '/none';
