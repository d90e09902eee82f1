/**
 * The role × action table (DESIGN §1, §7). Data, not code: a route declares the action it performs
 * (`@RequireAction('case.file')`), the table says which roles may perform it, and the jurisdiction
 * check says on which cases. A new action is added here first, with the roles that get it; the
 * route matrix test fails for any route whose action is not in this table.
 */
import type { Actor } from '@fengqiao/kernel';
import { USER_ROLES, type Principal, type UserRole } from '@fengqiao/identity';

interface ActionInfo {
  /** true when the action changes something (never granted to auditors) */
  writes: boolean;
  /** what it is, in Chinese, for the console's permission screen */
  zh: string;
}

export const ACTIONS = {
  // grid cases (intake + grid-dispatch)
  'case.read': { writes: false, zh: '查看事件' },
  'case.list': { writes: false, zh: '查询事件列表' },
  'case.report': { writes: true, zh: '上报事件' },
  'case.accept_report': { writes: true, zh: '受理或不受理上报' },
  'case.merge': { writes: true, zh: '合并重复事件' },
  'case.file': { writes: true, zh: '立案' },
  'case.dispatch': { writes: true, zh: '派单' },
  'case.accept': { writes: true, zh: '签收' },
  'case.object': { writes: true, zh: '退单' },
  'case.rule_objection': { writes: true, zh: '审核退单' },
  'case.handle': { writes: true, zh: '处置' },
  'case.request_extension': { writes: true, zh: '申请延期' },
  'case.rule_extension': { writes: true, zh: '审批延期' },
  'case.feedback': { writes: true, zh: '反馈' },
  'case.verify': { writes: true, zh: '核查' },
  'case.close': { writes: true, zh: '结案' },
  'case.callback': { writes: true, zh: '回访评价' },
  'case.supervise': { writes: true, zh: '督办' },
  'case.escalate': { writes: true, zh: '提级办理' },
  'case.answer_supervision': { writes: true, zh: '回复督办' },
  'case.suspend': { writes: true, zh: '挂账或恢复' },
  'case.reopen': { writes: true, zh: '重新打开' },
  'case.refer': { writes: true, zh: '转调解或转信访' },
  'case.archive': { writes: true, zh: '归档' },
  // people's mediation
  'mediation.read': { writes: false, zh: '查看调解案件' },
  'mediation.list': { writes: false, zh: '查询调解案件' },
  'mediation.register': { writes: true, zh: '登记调解' },
  'mediation.consent': { writes: true, zh: '征求和记录当事人同意' },
  'mediation.assign': { writes: true, zh: '指定或选定调解员' },
  'mediation.session': { writes: true, zh: '记录调解' },
  'mediation.agreement': { writes: true, zh: '达成调解协议' },
  'mediation.terminate': { writes: true, zh: '终止调解' },
  'mediation.performance': { writes: true, zh: '记录履行' },
  'mediation.confirmation': { writes: true, zh: '司法确认' },
  'mediation.follow_up': { writes: true, zh: '回访' },
  'mediation.archive': { writes: true, zh: '卷宗归档' },
  // petitions
  'petition.read': { writes: false, zh: '查看信访事项' },
  'petition.list': { writes: false, zh: '查询信访事项' },
  'petition.register': { writes: true, zh: '登记信访' },
  'petition.route': { writes: true, zh: '转送交办' },
  'petition.accept': { writes: true, zh: '受理告知' },
  'petition.handle': { writes: true, zh: '办理（含听证、延期）' },
  'petition.opinion': { writes: true, zh: '出具处理意见' },
  'petition.review': { writes: true, zh: '复查复核' },
  'petition.close': { writes: true, zh: '办结或终结' },
  'petition.supervise': { writes: true, zh: '督办信访事项' },
  'petition.reception': { writes: true, zh: '维护接访点和领导接访日' },
  // audit and oversight
  'audit.timeline': { writes: false, zh: '查看全过程记录' },
  'audit.verify': { writes: false, zh: '校验完整性' },
  'audit.export': { writes: false, zh: '导出证据包' },
  'analytics.board': { writes: false, zh: '查看统计看板' },
  'analytics.warning': { writes: true, zh: '签收或处置预警' },
  // directory and configuration
  'directory.read': { writes: false, zh: '查看组织架构' },
  'directory.manage': { writes: true, zh: '维护单位、网格和用户' },
  'user.manage': { writes: true, zh: '重置用户密码' },
  'config.manage': { writes: true, zh: '维护类别、派单规则和日历' },
  // the caller's own account
  'self.read': { writes: false, zh: '查看本人账号' },
  // personal data of parties (names, ID numbers, phones, exact addresses) unmasked
  'personal_data.read': { writes: false, zh: '查看当事人个人信息' },
  // crypto-shredding of a data subject's key (个人信息保护法 §47)
  'personal_data.erase': { writes: true, zh: '删除个人信息' },
} as const satisfies Record<string, ActionInfo>;

export type Action = keyof typeof ACTIONS;

export const ALL_ACTIONS = Object.keys(ACTIONS) as Action[];

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ACTIONS, value);
}

const reads = ALL_ACTIONS.filter((a) => !ACTIONS[a].writes);
const starting = (prefix: string) => ALL_ACTIONS.filter((a) => a.startsWith(prefix));
const common: Action[] = ['self.read', 'directory.read'];

/** Which roles may perform which actions. Jurisdiction is checked separately (jurisdiction.ts). */
export const ROLE_ACTIONS: Readonly<Record<UserRole, readonly Action[]>> = {
  // 综治中心: the whole grid-case process, oversight
  operator: [...starting('case.'), 'analytics.board', 'analytics.warning', 'personal_data.read', ...common],
  // 网格员: report on patrol, accept and handle what is dispatched, feed back (回访 is the centre's: GridCase decider)
  grid_worker: [
    'case.read',
    'case.list',
    'case.report',
    'case.accept',
    'case.handle',
    'case.request_extension',
    'case.feedback',
    'personal_data.read',
    ...common,
  ],
  // 职能部门: accept or object, handle, feed back, ask for more time, answer supervision
  department: [
    'case.read',
    'case.list',
    'case.accept',
    'case.object',
    'case.handle',
    'case.request_extension',
    'case.feedback',
    'case.answer_supervision',
    'personal_data.read',
    ...common,
  ],
  mediator: [...starting('mediation.'), 'personal_data.read', ...common],
  petition_officer: [...starting('petition.'), 'personal_data.read', ...common],
  // read-only, inside an explicit scope; personal data only where the scope says so
  auditor: reads,
  // district IT: the directory and the configuration, no case data
  admin: ['directory.manage', 'user.manage', 'config.manage', 'analytics.board', 'personal_data.erase', ...common],
};

/** Whether any of the principal's roles may perform the action (jurisdiction aside). */
export function can(principal: Pick<Principal, 'roles'>, action: Action): boolean {
  return principal.roles.some((role) => rolesFor(action).includes(role));
}

/** The roles that may perform an action. */
export function rolesFor(action: Action): UserRole[] {
  return USER_ROLES.filter((role) => ROLE_ACTIONS[role].includes(action));
}

/** Every action the principal's roles allow (for the console's menus). */
export function actionsOf(principal: Pick<Principal, 'roles'>): Action[] {
  return ALL_ACTIONS.filter((action) => can(principal, action));
}

/**
 * The actor to put on the command (and so on every event) for an action: the first of the
 * principal's roles that allows it.
 */
export function actorOf(principal: Principal, action: Action): Actor {
  const role = principal.roles.find((r) => ROLE_ACTIONS[r].includes(action));
  if (!role) throw new Error(`actorOf: ${principal.userId} may not ${action}; check can() first`);
  return { userId: principal.userId, role, unitId: principal.unitId, directoryVersion: principal.directoryVersion };
}
