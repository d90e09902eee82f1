/**
 * Demo staff: at least one user per role at every level where the role makes sense. Every demo
 * user has the same password, `DEMO_PASSWORD`.
 */
import type { AuditScope, NewUser, UserRole } from '@fengqiao/identity';
import { DEMO_DISTRICT_ID, demoGeography } from './geography';
import { demoCommittees, demoDepartments } from './organisation';

/**
 * The one password of every demo user. It is public (it is in this file and the README), so it is
 * a demo value in the sense of the platform's `requireSecret`: a loader must read the password from
 * a secret (e.g. `requireSecret('DEMO_PASSWORD', DEMO_PASSWORD)`), which refuses this value, or a
 * missing secret, when NODE_ENV=production; standalone therefore never seeds demo users with it in
 * production mode.
 */
export const DEMO_PASSWORD = 'fengqiao-demo-2025';

/** A directory user plus the password the loader sets with `BuiltInIssuer.setPassword`. */
export interface DemoUser extends NewUser {
  password: string;
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
  '宋',
  '郑',
  '谢',
  '韩',
  '唐',
  '冯',
  '于',
  '董',
  '萧',
  '程',
  '曹',
  '袁',
  '邓',
  '许',
  '傅',
  '沈',
  '曾',
  '彭',
  '吕',
];
const GIVEN = [
  '建国',
  '丽华',
  '志强',
  '秀英',
  '海峰',
  '晓燕',
  '国平',
  '春梅',
  '卫东',
  '桂芳',
  '明辉',
  '红霞',
  '立新',
  '玉兰',
  '永康',
  '雪琴',
  '文斌',
  '美玲',
  '伟民',
  '淑珍',
  '振华',
  '燕萍',
  '德胜',
  '素娟',
  '家豪',
  '慧敏',
  '宏伟',
  '亚男',
  '俊杰',
  '晓丽',
  '长春',
  '梦婷',
  '少华',
  '凤英',
  '金龙',
  '佳怡',
  '耀祖',
  '彩霞',
  '思远',
  '静怡',
];

/** a fictional staff name, different for every call of one build */
function nameMaker(): () => string {
  let i = 0;
  return () => {
    const n = i++;
    return `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7 + Math.floor(n / SURNAMES.length)) % GIVEN.length]}`;
  };
}

const userId = (username: string): string => `u-${username.replace(/\./g, '-')}`;

function user(username: string, title: string, unitId: string, role: UserRole, person: string, auditScope?: AuditScope): DemoUser {
  return {
    id: userId(username),
    username,
    displayName: `${person}（${title}）`,
    unitId,
    roles: [role],
    ...(auditScope ? { auditScope } : {}),
    password: DEMO_PASSWORD,
  };
}

function buildUsers(): DemoUser[] {
  const next = nameMaker();
  const { towns, villages, grids } = demoGeography;
  const out: DemoUser[] = [user('admin', '区大数据中心系统管理员', DEMO_DISTRICT_ID, 'admin', next())];

  // 综治中心 operators at the three levels
  out.push(user('op.d', '区综治中心值班长', DEMO_DISTRICT_ID, 'operator', next()));
  for (const t of towns) out.push(user(`op.${t.id}`, `${t.name}综治中心受理员`, t.id, 'operator', next()));
  for (const v of villages) out.push(user(`op.${v.id}`, `${v.name}综治中心专职人员`, v.id, 'operator', next()));

  // one grid worker per grid
  for (const g of grids) out.push(user(`gw.${g.id}`, `${g.name}网格员`, g.id, 'grid_worker', next()));

  // one handler per department
  for (const d of demoDepartments) out.push(user(`dept.${d.id.replace(/^dept-/, '')}`, `${d.name}办件人员`, d.id, 'department', next()));

  // one mediator per committee
  for (const c of demoCommittees) out.push(user(`med.${c.id.replace(/^mc-/, '')}`, `${c.name}调解员`, c.id, 'mediator', next()));

  // 信访 offices at district and town level
  out.push(user('xf.d', '区信访局工作人员', DEMO_DISTRICT_ID, 'petition_officer', next()));
  for (const t of towns) out.push(user(`xf.${t.id}`, `${t.name}信访办工作人员`, t.id, 'petition_officer', next()));

  // auditors: district-wide without personal data, and one town with personal data
  out.push(user('audit.d', '区纪委监委监督检查室', DEMO_DISTRICT_ID, 'auditor', next(), { unitIds: [DEMO_DISTRICT_ID], personalDataUnitIds: [] }));
  out.push(user('audit.t-2', '区司法局执法监督科', DEMO_DISTRICT_ID, 'auditor', next(), { unitIds: ['t-2'], personalDataUnitIds: ['t-2'] }));
  return out;
}

export const demoUsers: readonly DemoUser[] = buildUsers();

/** The directory's view of a demo user (no password). */
export function toNewUser({ password: _password, ...rest }: DemoUser): NewUser {
  return rest;
}
