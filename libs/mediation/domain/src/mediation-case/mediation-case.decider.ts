import { assertNever, CN_NATIONAL_CALENDAR, Decider, ValidationError, WorkingCalendar } from '@fengqiao/kernel';
import { auditStamp } from '../audit';
import { reviseMediationDeadlines } from './mediation-case.revision';
import { MediationCommand } from './mediation-case.commands';
import { MediationEvent } from './mediation-case.events';
import { defaultMediationRules, MediationRules, validateMediationRules } from './mediation-case.rules';
import { MediationCaseState } from './mediation-case.state';
import {
  addDossierItem,
  assignMediator,
  declineMediation,
  notifyRights,
  recordConsent,
  recuseMediator,
  registerDispute,
  requestConsent,
} from './mediation-case.registration.decide';
import { extendMediation, reachAgreement, recordSession, reportRisk, signAgreement, terminateMediation } from './mediation-case.mediation.decide';
import {
  archiveCase,
  breachDeadline,
  fileJudicialConfirmation,
  recordFollowUpVisit,
  recordJudicialConfirmationDecision,
  recordPerformance,
  reportPerformanceFailure,
  resumeMediation,
  transferCase,
  warnDeadline,
} from './mediation-case.closing.decide';
import { evolveMediationCase } from './mediation-case.evolve';

/** Pure dependencies of the mediation decider: deadline rules (configuration) and a working calendar (data). */
export interface MediationDeciderDeps {
  rules: MediationRules;
  calendar: WorkingCalendar;
}

export type MediationDecider = Decider<MediationCaseState, MediationCommand, MediationEvent>;

/** Stream of one mediation case: `mediation-<caseId>`. */
export function toMediationStreamId(caseId: string): string {
  if (caseId.trim() === '') throw new ValidationError('MEDIATION.FIELD_REQUIRED', '案件编号不能为空', { field: 'caseId' });
  return `mediation-${caseId}`;
}

export function initialMediationCaseState(): MediationCaseState {
  return { status: 'none' };
}

/**
 * Builds the `MediationCase` decider (DESIGN §5.2, 人民调解法 2010). Pure: time, ids and the actor
 * come from the command; deadlines are computed with the kernel's `computeDeadline` on the
 * injected calendar and recorded on the events, so `evolve` never recomputes them.
 */
export function createMediationDecider(deps: MediationDeciderDeps): MediationDecider {
  validateMediationRules(deps.rules);
  return {
    initialState: initialMediationCaseState,
    decide: (command, state) => decideMediation(command, state, deps),
    evolve: evolveMediationCase,
  };
}

/**
 * The decider with the default rules on the national calendar (CN_NATIONAL_CALENDAR). A region
 * with its own calendar or local rules builds its own with `createMediationDecider`.
 */
export const mediationDecider: MediationDecider = createMediationDecider({
  rules: defaultMediationRules,
  calendar: CN_NATIONAL_CALENDAR,
});

// ---------------------------------------------------------------------------------------------
// decide

function decideMediation(command: MediationCommand, state: MediationCaseState, deps: MediationDeciderDeps): MediationEvent[] {
  const stamp = auditStamp(command.meta);
  switch (command.type) {
    case 'RegisterDispute':
      return registerDispute(command, state, stamp);
    case 'RequestConsent':
      return requestConsent(command, state, stamp);
    case 'RecordConsent':
      return recordConsent(command, state, stamp, deps);
    case 'DeclineMediation':
      return declineMediation(command, state, stamp);
    case 'NotifyRights':
      return notifyRights(command, state, stamp);
    case 'AddDossierItem':
      return addDossierItem(command, state, stamp);
    case 'AssignMediator':
      return assignMediator(command, state, stamp);
    case 'RecuseMediator':
      return recuseMediator(command, state, stamp);
    case 'RecordSession':
      return recordSession(command, state, stamp);
    case 'ReportRisk':
      return reportRisk(command, state, stamp);
    case 'ExtendMediation':
      return extendMediation(command, state, stamp, deps);
    case 'ReachAgreement':
      return reachAgreement(command, state, stamp, deps);
    case 'SignAgreement':
      return signAgreement(command, state, stamp, deps);
    case 'TerminateMediation':
      return terminateMediation(command, state, stamp);
    case 'RecordPerformance':
      return recordPerformance(command, state, stamp);
    case 'ReportPerformanceFailure':
      return reportPerformanceFailure(command, state, stamp);
    case 'FileJudicialConfirmation':
      return fileJudicialConfirmation(command, state, stamp);
    case 'RecordJudicialConfirmationDecision':
      return recordJudicialConfirmationDecision(command, state, stamp);
    case 'ResumeMediation':
      return resumeMediation(command, state, stamp);
    case 'RecordFollowUpVisit':
      return recordFollowUpVisit(command, state, stamp);
    case 'TransferCase':
      return transferCase(command, state, stamp);
    case 'ArchiveCase':
      return archiveCase(command, state, stamp);
    case 'WarnDeadline':
      return warnDeadline(command, state, stamp);
    case 'BreachDeadline':
      return breachDeadline(command, state, stamp);
    case 'ReviseDeadline':
      return reviseMediationDeadlines(state, deps.calendar, stamp);
    default:
      return assertNever(command, 'mediation command');
  }
}
export { evolveMediationCase } from './mediation-case.evolve';
