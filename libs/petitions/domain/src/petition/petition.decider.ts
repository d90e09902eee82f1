import { CN_NATIONAL_CALENDAR, Decider, ValidationError, WorkingCalendar, assertNever } from '@fengqiao/kernel';
import { auditStamp } from '../audit';
import { PetitionCommand } from './petition.commands';
import { PetitionEvent } from './petition.events';
import { revisePetitionDeadlines } from './petition.revision';
import { defaultPetitionRules, PetitionRules, validatePetitionRules } from './petition.rules';
import { PetitionState } from './petition.state';
import { isRunning } from './petition.guards';
import {
  assignPetition,
  directToLegalProcedure,
  notifyAcceptance,
  objectToRouting,
  redirectPetitioner,
  registerPetition,
  rejectAsRepeat,
  ruleOnObjection,
  transferPetition,
} from './petition.routing.decide';
import {
  closePetition,
  deliverOpinion,
  endHearing,
  extendHandling,
  issueOpinion,
  recordSettlement,
  startHandling,
  startHearing,
} from './petition.handling.decide';
import {
  breachDeadline,
  decideReReview,
  decideReview,
  deliverReviewDecision,
  requestReReview,
  requestReview,
  startReReview,
  startReview,
  supervisePetition,
  warnDeadline,
} from './petition.review.decide';
import { evolvePetition } from './petition.evolve';

/** Pure dependencies of the petition decider: deadline rules (configuration) and a working calendar (data). */
export interface PetitionDeciderDeps {
  rules: PetitionRules;
  calendar: WorkingCalendar;
}

export type PetitionDecider = Decider<PetitionState, PetitionCommand, PetitionEvent>;

/** Stream of one petition: `petition-<petitionId>`. */
export function toPetitionStreamId(petitionId: string): string {
  if (petitionId.trim() === '') {
    throw new ValidationError('PETITION.FIELD_REQUIRED', '信访事项编号不能为空', { field: 'petitionId' });
  }
  return `petition-${petitionId}`;
}

export function initialPetitionState(): PetitionState {
  return { status: 'none' };
}

/**
 * Builds the `Petition` decider (DESIGN §5.3, 信访工作条例 2022). Pure: time, ids and the actor come
 * from the command; deadlines are computed with the kernel's `computeDeadline` on the injected
 * calendar and recorded whole on the events, so `evolve` never recomputes them.
 */
export function createPetitionDecider(deps: PetitionDeciderDeps): PetitionDecider {
  validatePetitionRules(deps.rules);
  return {
    initialState: initialPetitionState,
    decide: (command, state) => decidePetition(command, state, deps),
    evolve: evolvePetition,
  };
}

/**
 * The decider with the default rules on the national calendar (CN_NATIONAL_CALENDAR). A region
 * with its own calendar or local rules builds its own with `createPetitionDecider`.
 */
export const petitionDecider: PetitionDecider = createPetitionDecider({
  rules: defaultPetitionRules,
  calendar: CN_NATIONAL_CALENDAR,
});

// ---------------------------------------------------------------------------------------------
// decide

function decidePetition(command: PetitionCommand, state: PetitionState, deps: PetitionDeciderDeps): PetitionEvent[] {
  const stamp = auditStamp(command.meta);
  switch (command.type) {
    case 'RegisterPetition':
      return registerPetition(command, state, stamp, deps);
    case 'TransferPetition':
      return transferPetition(command, state, stamp, deps);
    case 'AssignPetition':
      return assignPetition(command, state, stamp, deps);
    case 'ObjectToRouting':
      return objectToRouting(command, state, stamp);
    case 'RuleOnObjection':
      return ruleOnObjection(command, state, stamp);
    case 'NotifyAcceptance':
      return notifyAcceptance(command, state, stamp, deps);
    case 'RedirectPetitioner':
      return redirectPetitioner(command, state, stamp);
    case 'DirectToLegalProcedure':
      return directToLegalProcedure(command, state, stamp);
    case 'RejectAsRepeat':
      return rejectAsRepeat(command, state, stamp);
    case 'StartHandling':
      return startHandling(command, state, stamp);
    case 'ExtendHandling':
      return extendHandling(command, state, stamp, deps);
    case 'StartHearing':
      return startHearing(command, state, stamp);
    case 'EndHearing':
      return endHearing(command, state, stamp, deps);
    case 'RecordSettlement':
      return recordSettlement(command, state, stamp);
    case 'IssueOpinion':
      return issueOpinion(command, state, stamp);
    case 'DeliverOpinion':
      return deliverOpinion(command, state, stamp, deps);
    case 'ClosePetition':
      return closePetition(command, state, stamp);
    case 'RequestReview':
      return requestReview(command, state, stamp, deps);
    case 'StartReview':
      return startReview(command, state, stamp);
    case 'DecideReview':
      return decideReview(command, state, stamp);
    case 'DeliverReviewDecision':
      return deliverReviewDecision(command, state, stamp, deps);
    case 'RequestReReview':
      return requestReReview(command, state, stamp, deps);
    case 'StartReReview':
      return startReReview(command, state, stamp);
    case 'DecideReReview':
      return decideReReview(command, state, stamp);
    case 'SupervisePetition':
      return supervisePetition(command, state, stamp);
    case 'WarnDeadline':
      return warnDeadline(command, state, stamp);
    case 'BreachDeadline':
      return breachDeadline(command, state, stamp);
    case 'ReviseDeadline':
      return revisePetitionDeadlines(state, deps.calendar, stamp, isRunning);
    default:
      return assertNever(command, 'petition command');
  }
}
export { evolvePetition } from './petition.evolve';
