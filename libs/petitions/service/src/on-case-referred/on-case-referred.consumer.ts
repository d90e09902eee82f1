import { createHash } from 'node:crypto';
import { gridDispatchContracts, IntegrationEvent, topics, WorkOrderEventData } from '@fengqiao/contracts';
import { Actor } from '@fengqiao/kernel';
import { ContextConsumer } from '@fengqiao/platform';
import { PetitionRegistration } from '../application/registration';
import type { PetitionsContext } from '../petitions.context';

export const REFERRALS_PURPOSE = 'referrals';
const REFERRAL_ACTOR: Actor = { userId: 'petitions.referrals', role: 'system', unitId: 'system' };

/** The petition a referral opens: derived from the referral event, so a redelivery finds it again. */
export function petitionIdOfReferral(eventId: string): string {
  return `ref-${createHash('sha256').update(eventId).digest('hex').slice(0, 24)}`;
}

/**
 * Consumer `petitions.referrals`: a grid case referred to petitions (grid-dispatch `CaseReferred`
 * with `referredTo: petitions`) opens a linked petition at the petition office of the case's town
 * (or the district when the case has no town), registered by the system actor with ids derived
 * from the referral, so a redelivery (the inbox aside) finds it and changes nothing. The petition
 * keeps the grid case's correlation id and records the case as its source.
 */
export function referralConsumer(ctx: PetitionsContext): ContextConsumer {
  const registration = new PetitionRegistration(ctx);
  return {
    purpose: REFERRALS_PURPOSE,
    topics: [topics.gridDispatchCase],
    // the case's other events are passed over without an inbox claim (four writes per grid case saved)
    handles: (type: string) => type === gridDispatchContracts.CaseReferred.type,
    async handle(event: IntegrationEvent) {
      if (event.type !== gridDispatchContracts.CaseReferred.type) return;
      const data = event.data as WorkOrderEventData;
      if (data.referredTo !== 'petitions') return;
      const petitionId = petitionIdOfReferral(event.id);
      const existing = await ctx.runner.read(petitionId);
      if (existing.revision >= 0) return;
      const path = data.jurisdiction;
      const office = [path[1], path[0]].find((u) => u !== undefined && ctx.units.unit(u) !== undefined) ?? path[0] ?? ctx.options.onlineOfficeUnitId;
      const result = await registration.register(
        {
          channel: 'online',
          receivedAt: data.at,
          receivingUnitId: office,
          receiverKind: 'petition_office',
          petitioners: [],
          knownPetitionerIds: [`grid-case-reporter-${data.caseId}`],
          summary: data.text ?? `网格事件 ${data.caseId}（${data.category}）转信访办理`,
          matterType: 'other',
          form: 'written',
          reason: `网格事件 ${data.caseId} 转信访`,
        },
        {
          kind: 'system',
          actor: REFERRAL_ACTOR,
          source: { kind: 'grid_case', caseId: data.caseId },
          petitionId,
          correlationId: event.correlationId,
          at: data.at,
        },
      );
      ctx.logger.log(`grid case ${data.caseId} referred: petition ${result.petitionId} at ${office}`);
    },
  };
}
