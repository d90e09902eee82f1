import { assertNever, Command, Decider, DomainError, Event, IllegalStateError, ValidationError } from '@fengqiao/kernel';
import { Audited, auditStamp } from '../audit';
import { PetitionStatus } from '../petition/petition.state';

/**
 * The petitioner's side of a petition (信访工作条例 §21: petitioners query the progress and evaluate
 * the handling): the hash of the query code (查询码) issued with an online petition, and the
 * petitioner's satisfaction ratings. One stream per petition, `petition-portal-<petitionId>`, apart
 * from the petition's own stream so the office's If-Match revisions are not disturbed by a rating.
 * Only the SHA-256 of the code is ever recorded; the code itself is shown once, to the petitioner.
 */
export type RatingStage = 'opinion' | 'review' | 're_review' | 'not_accepted';

export type IssueQueryCode = Command<'IssueQueryCode', { petitionId: string; codeHash: string }>;
export type RatePetition = Command<
  'RatePetition',
  {
    petitionId: string;
    /** the petition's status when rated (loaded by the service from the petition's stream) */
    petitionStatus: PetitionStatus;
    rating: number;
    comment?: string;
  }
>;
export type PetitionPortalCommand = IssueQueryCode | RatePetition;

export type QueryCodeIssued = Event<'QueryCodeIssued', Audited<{ petitionId: string; codeHash: string }>>;
export type PetitionRated = Event<'PetitionRated', Audited<{ petitionId: string; stage: RatingStage; rating: number; comment?: string }>>;
export type PetitionPortalEvent = QueryCodeIssued | PetitionRated;

export type PetitionPortalState =
  { status: 'none' } | { status: 'issued'; petitionId: string; codeHash: string; ratings: { stage: RatingStage; rating: number; at: string }[] };

export function toPetitionPortalStreamId(petitionId: string): string {
  return `petition-portal-${petitionId}`;
}

/** Which stage a rating in this status is about (undefined: nothing to rate yet). */
export function ratingStageOf(status: PetitionStatus): RatingStage | undefined {
  switch (status) {
    case 'delivered':
    case 'closed':
    case 'review_requested':
      return 'opinion';
    case 'review_decided':
    case 're_review_requested':
      return 'review';
    case 'terminated':
      return 're_review';
    case 'not_accepted':
      return 'not_accepted';
    default:
      return undefined;
  }
}

function decide(command: PetitionPortalCommand, state: PetitionPortalState): PetitionPortalEvent[] {
  const stamp = auditStamp(command.meta);
  switch (command.type) {
    case 'IssueQueryCode': {
      if (state.status !== 'none') throw new DomainError('PETITION.QUERY_CODE_EXISTS', '该信访事项已发放查询码', 'conflict', {});
      if (!/^[0-9a-f]{64}$/.test(command.data.codeHash)) {
        throw new ValidationError('PETITION.INVALID_CODE_HASH', '查询码摘要无效', { field: 'codeHash' });
      }
      return [
        { type: 'QueryCodeIssued', data: { petitionId: command.data.petitionId, codeHash: command.data.codeHash, ...stamp }, legalBasis: '信访工作条例§21' },
      ];
    }
    case 'RatePetition': {
      if (state.status === 'none') throw new DomainError('PETITION.NO_QUERY_CODE', '该信访事项没有查询码', 'not_found', {});
      const { rating, comment, petitionStatus } = command.data;
      if (!(Number.isInteger(rating) && rating >= 1 && rating <= 5)) {
        throw new ValidationError('PETITION.INVALID_RATING', '满意度评价须为 1 到 5 的整数', { field: 'rating' });
      }
      const stage = ratingStageOf(petitionStatus);
      if (stage === undefined) {
        throw new IllegalStateError('PETITION.NOTHING_TO_RATE', '信访事项尚未答复，暂不能评价', { status: petitionStatus });
      }
      if (state.ratings.some((r) => r.stage === stage)) {
        throw new DomainError('PETITION.ALREADY_RATED', '您已对本次答复作出评价', 'conflict', { stage });
      }
      const text = comment?.trim();
      return [
        {
          type: 'PetitionRated',
          data: { petitionId: state.petitionId, stage, rating, ...(text ? { comment: text } : {}), ...stamp },
          legalBasis: '信访工作条例§21',
        },
      ];
    }
    default:
      return assertNever(command, 'portal command');
  }
}

function evolve(state: PetitionPortalState, event: PetitionPortalEvent): PetitionPortalState {
  switch (event.type) {
    case 'QueryCodeIssued':
      return state.status === 'none' ? { status: 'issued', petitionId: event.data.petitionId, codeHash: event.data.codeHash, ratings: [] } : state;
    case 'PetitionRated':
      return state.status === 'issued'
        ? { ...state, ratings: [...state.ratings, { stage: event.data.stage, rating: event.data.rating, at: event.data.occurredAt }] }
        : state;
    default: {
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

export const petitionPortalDecider: Decider<PetitionPortalState, PetitionPortalCommand, PetitionPortalEvent> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
};
