import { DeadlineRule, DeadlineUnit, ValidationError } from '@fengqiao/kernel';
import { PetitionCategory } from './petition.commands';

/**
 * Legal bases recorded on petition events (`Event.legalBasis`): 《信访工作条例》(中共中央、国务院
 * 2022-02-25, in force 2022-05-01). Article numbers checked against notes/domain.md §4.1 and an
 * unofficial community copy (LawRefBook/Laws `行政法规/信访工作条例.md`); code found online cites them
 * inconsistently (often with the 2005 《信访条例》 numbers, e.g. "§33: 60 days"), so verify against the
 * official text before quoting an id in a document. Several bases are joined with ';'.
 */
const XF = '信访工作条例';
export const PETITION_LEGAL_BASIS = {
  /** channels: 信息网络、书信、电话、传真、走访 */
  channels: `${XF}§17`,
  /** written form normally; oral ones recorded; the same matter raised higher while being handled is not accepted */
  formAndRepeat: `${XF}§19`,
  /** visits: at most 5 representatives for a group visit */
  visits: `${XF}§20`,
  /** petition offices register and route within 15 days (转送, 交办 with a deadline and report, 政法, 纪检监察) */
  routing: `${XF}§22`,
  /** other bodies: tell the petitioner within 15 days; object within 5 working days */
  acceptance: `${XF}§23`,
  /** hearing for major, complex or difficult matters */
  hearing: `${XF}§31`,
  /** handling opinion: support / explain / not support, with facts, reasons and legal basis */
  opinion: `${XF}§32`,
  /** mediation or settlement inside the handling */
  settlement: `${XF}§33`,
  /** 60 days from acceptance; extension ≤ 30 days with the head's approval, reason told */
  handling: `${XF}§34`,
  /** review (复查): request within 30 days of the written reply; answer within 30 days */
  review: `${XF}§35`,
  /** re-review (复核): same windows, hearing time not counted; same facts not accepted again */
  reReview: `${XF}§36`,
  /** supervision (督办) by the petition office */
  supervision: `${XF}§40`,
} as const;

/**
 * Deadline rules the petition decider is built with. The statute says "日" (days) without saying
 * whether they are calendar or working days (notes/domain.md §3.6 and §9: no authoritative ruling
 * found), so the defaults count calendar days under 民法典 §200–§204 (start day excluded, a last day
 * off moves to the next working day) and only the objection window, which the text states in
 * 工作日, counts working days. Both are configuration; each deadline records the rule applied.
 */
export interface PetitionRules {
  routing: DeadlineRule;
  acceptanceNotice: DeadlineRule;
  objectionWindow: DeadlineRule;
  /**
   * §34 sets 60 days for matters handled under §31(6) (heard, investigated, answered by a
   * 信访处理意见书). Matters diverted into litigation, arbitration or administrative procedures
   * (§31(1)–(4)) follow those procedures' own limits and are not modelled here.
   */
  handling: DeadlineRule;
  /**
   * The handling rule per petition category, where it is not §34's: configuration, each rule
   * naming its own `legalBasis` (e.g. a local rule for 建议意见类 matters). A category without an
   * entry (and a petition without a category) uses `handling`.
   */
  handlingByCategory?: Partial<Record<PetitionCategory, DeadlineRule>>;
  /** longest handling extension, in the unit of the handling rule (§34: 30 days) */
  maxHandlingExtension: number;
  /** unit of the report deadline an assignment (交办) sets; its length is given by the petition office */
  assignmentReportUnit: Exclude<DeadlineUnit, 'working_hours'>;
  reviewRequestWindow: DeadlineRule;
  review: DeadlineRule;
  reReviewRequestWindow: DeadlineRule;
  reReview: DeadlineRule;
}

const days = (ruleId: string, legalBasis: string, duration: number, warnBefore?: number): DeadlineRule => ({
  ruleId,
  legalBasis,
  duration,
  unit: 'calendar_days',
  ...(warnBefore !== undefined ? { warnBefore } : {}),
});

export const defaultPetitionRules: PetitionRules = {
  routing: days('petition.routing', PETITION_LEGAL_BASIS.routing, 15, 3),
  acceptanceNotice: days('petition.acceptance_notice', PETITION_LEGAL_BASIS.acceptance, 15, 3),
  objectionWindow: {
    ruleId: 'petition.objection_window',
    legalBasis: PETITION_LEGAL_BASIS.acceptance,
    duration: 5,
    unit: 'working_days',
  },
  handling: days('petition.handling', PETITION_LEGAL_BASIS.handling, 60, 10),
  maxHandlingExtension: 30,
  assignmentReportUnit: 'calendar_days',
  reviewRequestWindow: days('petition.review_request_window', PETITION_LEGAL_BASIS.review, 30),
  review: days('petition.review', PETITION_LEGAL_BASIS.review, 30, 5),
  reReviewRequestWindow: days('petition.re_review_request_window', PETITION_LEGAL_BASIS.reReview, 30),
  reReview: days('petition.re_review', PETITION_LEGAL_BASIS.reReview, 30, 5),
};

/** Checks a rules configuration once, when the decider is built. */
export function validatePetitionRules(rules: PetitionRules): void {
  const invalid = (message: string, details: Record<string, unknown>): never => {
    throw new ValidationError('PETITION.INVALID_RULES', `信访期限规则配置有误：${message}`, details);
  };
  if (!(Number.isInteger(rules.maxHandlingExtension) && rules.maxHandlingExtension > 0)) {
    invalid('最长延期须为正整数', { maxHandlingExtension: rules.maxHandlingExtension });
  }
  for (const [category, rule] of Object.entries(rules.handlingByCategory ?? {})) {
    if (!rule) continue;
    if (rule.unit === 'working_hours') invalid(`“${category}”类办理期限须按日计算`, { category, unit: rule.unit });
    if (!rule.legalBasis) invalid(`“${category}”类办理期限须注明依据`, { category });
  }
  if (rules.handling.unit === 'working_hours' || rules.reReview.unit === 'working_hours') {
    invalid('办理期限与复核期限须按日计算（延期与听证时间以日计）', {
      handling: rules.handling.unit,
      reReview: rules.reReview.unit,
    });
  }
}
