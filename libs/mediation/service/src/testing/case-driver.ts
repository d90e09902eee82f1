import { MediationTestApp, NEIGHBOURS, TestUser } from './mediation-test-app';

/** States a test can ask a fresh case to be in, each reached through the HTTP commands. */
export const DRIVEN_STATES = [
  'registered',
  'consent_pending',
  'accepted',
  'mediator_assigned',
  'mediating',
  'agreement_reached',
  'effective',
  'performing',
  'judicial_confirmation_filed',
  'not_confirmed',
  'terminated',
  /** terminated, with every item the dossier needs before archiving */
  'closed_with_dossier',
] as const;
export type DrivenState = (typeof DRIVEN_STATES)[number];

/** The demo mediator of each committee the tests use. */
export const MEDIATOR_OF: Record<string, TestUser> = {
  'mc-v-1-1': 'mediator11',
  'mc-v-1-2': 'mediator12',
  'mc-v-2-1': 'mediator21',
  'mc-t-1': 'mediatorTown1',
  'mc-d-fq': 'mediatorDistrict',
};

export interface DrivenCase {
  caseId: string;
  partyIds: string[];
  mediatorId: string;
  committeeId: string;
}

/** A fresh case of `committeeId` driven by its mediator into `state`. */
export async function caseIn(t: MediationTestApp, committeeId: string, state: DrivenState): Promise<DrivenCase> {
  const as = MEDIATOR_OF[committeeId];
  if (!as) throw new Error(`no test mediator for ${committeeId}`);
  const mediatorId = t.userId(as);
  const { caseId, partyIds } = await t.register(as, { ...NEIGHBOURS, committeeId });
  const step = async (path: string, body: unknown) => {
    const res = await t.call('POST', `/mediation/cases/${caseId}/${path}`, { as, body });
    if (res.status !== 200) throw new Error(`driving ${caseId} to ${state}: ${path} answered ${res.status} ${res.text}`);
  };
  const order = DRIVEN_STATES.indexOf(state);
  const reach = (s: DrivenState) => order >= DRIVEN_STATES.indexOf(s);
  if (reach('consent_pending')) await step('request-consent', {});
  if (reach('accepted')) for (const p of partyIds) await step('consents', { partyId: p, consented: true });
  if (reach('mediator_assigned')) await step('assign-mediator', { mediatorIds: [mediatorId], method: 'designated' });
  if (reach('mediating'))
    await step('sessions', { heldAt: t.clock.now().toISOString(), mediatorIds: [mediatorId], attendingPartyIds: partyIds, summary: '第一次调解' });
  if (state === 'terminated' || state === 'closed_with_dossier') {
    await step('terminate', { grounds: 'no_agreement', routesTold: ['arbitration', 'administrative', 'judicial'] });
    if (state === 'closed_with_dossier') {
      for (const item of ['identity_proof', 'rights_notice', 'mediation_record']) await step('dossier-items', { item, documentRef: `${item}-1` });
    }
    return { caseId, partyIds, mediatorId, committeeId };
  }
  if (reach('agreement_reached')) await step('agreement', { form: 'written', terms: '一方维修，另一方不再追究' });
  if (reach('effective')) await step('agreement/sign', { signedByPartyIds: partyIds, mediatorSigned: true, committeeSealed: true });
  if (state === 'performing') await step('performance', { complete: false, description: '部分履行' });
  if (reach('judicial_confirmation_filed') && state !== 'performing') {
    await step('judicial-confirmation', { courtId: 'court-fq', filedAt: t.clock.now().toISOString(), applicantPartyIds: partyIds });
  }
  if (state === 'not_confirmed')
    await step('judicial-confirmation/decision', { confirmed: false, decidedAt: t.clock.now().toISOString(), rulingRef: '驳回裁定' });
  return { caseId, partyIds, mediatorId, committeeId };
}
