import { Actor } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { IssueQueryCode, petitionPortalDecider, PetitionPortalEvent, RatePetition, ratingStageOf } from './petition-portal.decider';

const system: Actor = { userId: 'public:online-form', role: 'system', unitId: 'd-fq' };
const at = '2025-06-03T09:00:00+08:00';
const hash = 'a'.repeat(64);
const issued: PetitionPortalEvent = {
  type: 'QueryCodeIssued',
  data: { petitionId: 'p-1', codeHash: hash, actor: system, occurredAt: at },
  legalBasis: '信访工作条例§21',
};
const rate = (rating: number, petitionStatus: RatePetition['data']['petitionStatus']): RatePetition => ({
  type: 'RatePetition',
  data: { petitionId: 'p-1', petitionStatus, rating, comment: ' 满意 ' },
  meta: { actor: system, now: at },
});

/** §21: petitioners query the progress and evaluate the handling, through the query code. */
describe('petition portal decider', () => {
  const spec = deciderSpec(petitionPortalDecider);

  it('records only the hash of a query code, once', () => {
    const issue: IssueQueryCode = { type: 'IssueQueryCode', data: { petitionId: 'p-1', codeHash: hash }, meta: { actor: system, now: at } };
    spec.given([]).when(issue).then([issued]);
    spec.given([issued]).when(issue).thenThrows('PETITION.QUERY_CODE_EXISTS', 'conflict');
    spec
      .given([])
      .when({ ...issue, data: { petitionId: 'p-1', codeHash: 'the-code-itself' } })
      .thenThrows('PETITION.INVALID_CODE_HASH', 'validation');
  });

  it('takes one rating (1–5) per answer once the petitioner has one', () => {
    spec
      .given([issued])
      .when(rate(5, 'delivered'))
      .then([
        {
          type: 'PetitionRated',
          data: { petitionId: 'p-1', stage: 'opinion', rating: 5, comment: '满意', actor: system, occurredAt: at },
          legalBasis: '信访工作条例§21',
        },
      ]);
    const rated: PetitionPortalEvent = { type: 'PetitionRated', data: { petitionId: 'p-1', stage: 'opinion', rating: 5, actor: system, occurredAt: at } };
    spec.given([issued, rated]).when(rate(3, 'closed')).thenThrows('PETITION.ALREADY_RATED', 'conflict');
    spec
      .given([issued, rated])
      .when(rate(2, 'review_decided'))
      .thenMatch([{ type: 'PetitionRated', data: { stage: 'review', rating: 2 } }]);
    spec.given([issued]).when(rate(4, 'handling')).thenThrows('PETITION.NOTHING_TO_RATE', 'illegal_state');
    spec.given([issued]).when(rate(6, 'delivered')).thenThrows('PETITION.INVALID_RATING', 'validation');
    spec.given([]).when(rate(4, 'delivered')).thenThrows('PETITION.NO_QUERY_CODE', 'not_found');
  });

  it('names the stage each status answers', () => {
    expect(ratingStageOf('not_accepted')).toBe('not_accepted');
    expect(ratingStageOf('terminated')).toBe('re_review');
    expect(ratingStageOf('registered')).toBeUndefined();
  });
});
