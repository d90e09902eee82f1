import type { GridCase, IntakeCase, Me } from '../api/types';

/**
 * Which actions the console offers on a case now: the case's state (intake before filing, the work
 * order after) × the user's allowed actions (`/auth/me`) × whether the user's unit handles it.
 * The API stays the judge; this only keeps forbidden buttons off the page.
 */
export type CaseAction =
  | 'intake.accept'
  | 'intake.decline'
  | 'intake.file'
  | 'intake.merge'
  | 'dispatch'
  | 'accept'
  | 'object'
  | 'rule-objection'
  | 'progress'
  | 'request-extension'
  | 'rule-extension'
  | 'suspend'
  | 'resume'
  | 'feedback'
  | 'verify'
  | 'close'
  | 'callback'
  | 'archive'
  | 'reopen'
  | 'merge'
  | 'refer'
  | 'supervise'
  | 'answer-supervision'
  | 'escalate';

const BEFORE_FEEDBACK = ['filed', 'reopened', 'dispatched', 'objection', 'in_progress', 'extension_requested', 'suspended'];
const OPEN = [...BEFORE_FEEDBACK, 'feedback_submitted', 'verified'];

interface Rule {
  action: CaseAction;
  /** the action code in `/auth/me`'s `actions` */
  needs: string;
  who: 'centre' | 'unit';
  when: (c: GridCase) => boolean;
}

const is =
  (...statuses: string[]) =>
  (c: GridCase) =>
    statuses.includes(c.status);

const WORK_ORDER_RULES: Rule[] = [
  { action: 'accept', needs: 'case.accept', who: 'unit', when: is('dispatched') },
  { action: 'object', needs: 'case.object', who: 'unit', when: is('dispatched') },
  { action: 'progress', needs: 'case.handle', who: 'unit', when: is('in_progress', 'extension_requested') },
  { action: 'feedback', needs: 'case.feedback', who: 'unit', when: is('in_progress') },
  { action: 'request-extension', needs: 'case.request_extension', who: 'unit', when: is('in_progress') },
  {
    action: 'answer-supervision',
    needs: 'case.answer_supervision',
    who: 'unit',
    when: (c) => c.openSupervisions > 0 && [...OPEN, 'closed', 'callback_done'].includes(c.status),
  },
  { action: 'dispatch', needs: 'case.dispatch', who: 'centre', when: is('filed', 'reopened') },
  { action: 'rule-objection', needs: 'case.rule_objection', who: 'centre', when: is('objection') },
  { action: 'rule-extension', needs: 'case.rule_extension', who: 'centre', when: is('extension_requested') },
  { action: 'verify', needs: 'case.verify', who: 'centre', when: is('feedback_submitted') },
  { action: 'close', needs: 'case.close', who: 'centre', when: is('verified') },
  { action: 'callback', needs: 'case.callback', who: 'centre', when: is('closed') },
  { action: 'suspend', needs: 'case.suspend', who: 'centre', when: is('in_progress', 'extension_requested') },
  { action: 'resume', needs: 'case.suspend', who: 'centre', when: is('suspended') },
  { action: 'supervise', needs: 'case.supervise', who: 'centre', when: is(...OPEN) },
  { action: 'escalate', needs: 'case.escalate', who: 'centre', when: (c) => OPEN.includes(c.status) && c.level !== 'district' },
  { action: 'merge', needs: 'case.merge', who: 'centre', when: is(...BEFORE_FEEDBACK) },
  { action: 'refer', needs: 'case.refer', who: 'centre', when: is(...BEFORE_FEEDBACK) },
  { action: 'reopen', needs: 'case.reopen', who: 'centre', when: is('closed', 'callback_done') },
  { action: 'archive', needs: 'case.archive', who: 'centre', when: is('callback_done', 'merged_duplicate', 'referred') },
];

export function availableActions(me: Me, intake: IntakeCase | null, order: GridCase | null): CaseAction[] {
  const can = (code: string) => me.actions.includes(code);
  const centre = me.roles.includes('operator');
  if (!order) {
    if (!intake || !centre) return [];
    const out: CaseAction[] = [];
    if (intake.status === 'reported' && can('case.accept_report')) out.push('intake.accept', 'intake.decline');
    if ((intake.status === 'reported' || intake.status === 'accepted') && can('case.file')) out.push('intake.file');
    if ((intake.status === 'reported' || intake.status === 'accepted') && can('case.merge')) out.push('intake.merge');
    return out;
  }
  const ownUnit = order.unitId !== null && order.unitId === me.unitId;
  return WORK_ORDER_RULES.filter((r) => can(r.needs) && (r.who === 'centre' ? centre : ownUnit) && r.when(order)).map((r) => r.action);
}
