import { CN_NATIONAL_CALENDAR } from '@fengqiao/kernel';
import { deciderSpec } from '../testing/decider-spec';
import { CASE_ID, cmd, history, JC_WINDOW, mediator, meta, PARTY_A, PARTY_B, stamp, T } from '../testing/mediation-case.fixtures';
import { SignAgreement, TerminateMediation } from './mediation-case.commands';
import { createMediationDecider } from './mediation-case.decider';
import { defaultMediationRules, MEDIATION_LEGAL_BASIS as LB } from './mediation-case.rules';

/** The legal points of 人民调解法 (2010) the decider follows (issue #9, item 5). */
const spec = deciderSpec(createMediationDecider({ rules: defaultMediationRules, calendar: CN_NATIONAL_CALENDAR }));

describe('a signed agreement takes effect when it was signed (§29), and the §33 window runs from then', () => {
  const sign = (now: string, signedAt?: string) =>
    cmd<SignAgreement>(
      'SignAgreement',
      { signedByPartyIds: [PARTY_A, PARTY_B], mediatorSigned: true, committeeSealed: true, ...(signedAt !== undefined ? { signedAt } : {}) },
      meta(now, { actor: mediator }),
    );

  it('signed Fri 03-21 10:00, recorded Mon 03-24: effective and the window counted from the signing', () => {
    const recorded = '2025-03-24T10:00:00+08:00';
    spec
      .given(history.agreementReached())
      .when(sign(recorded, T.signed))
      .then([
        {
          type: 'AgreementTookEffect',
          data: {
            caseId: CASE_ID,
            agreementId: 'agreement-1',
            effectiveAt: T.signed,
            signedAt: T.signed,
            signedByPartyIds: [PARTY_A, PARTY_B],
            judicialConfirmationWindow: JC_WINDOW,
            ...stamp(recorded, { actor: mediator }),
          },
          legalBasis: LB.writtenAgreementEffect,
        },
      ]);
  });

  it('refuses a signing date before the agreement was reached or after it is recorded', () => {
    spec
      .given(history.agreementReached())
      .when(sign('2025-03-24T10:00:00+08:00', '2025-03-19T10:00:00+08:00'))
      .thenThrows('MEDIATION.INVALID_SIGNING_TIME', 'validation');
    spec
      .given(history.agreementReached())
      .when(sign('2025-03-24T10:00:00+08:00', '2025-03-25T10:00:00+08:00'))
      .thenThrows('MEDIATION.INVALID_SIGNING_TIME', 'validation');
  });
});

describe('a party ending mediation after acceptance (§23) is recorded by name, and told of the other routes (§26)', () => {
  const terminate = (data: Partial<TerminateMediation['data']>) =>
    cmd<TerminateMediation>(
      'TerminateMediation',
      { grounds: 'party_withdrew', routesTold: ['arbitration', 'administrative', 'judicial'], ...data },
      meta('2025-03-25T10:00:00+08:00', { actor: mediator }),
    );

  it('records which party withdrew', () => {
    spec
      .given(history.mediating())
      .when(terminate({ withdrawingPartyId: PARTY_B }))
      .thenMatch([
        { type: 'MediationTerminated', data: { grounds: 'party_withdrew', withdrawingPartyId: PARTY_B }, legalBasis: `${LB.partyRights};${LB.termination}` },
      ]);
  });

  it('refuses a withdrawal without the party, with an unknown party, or a withdrawing party on other grounds', () => {
    spec.given(history.mediating()).when(terminate({})).thenThrows('MEDIATION.WITHDRAWING_PARTY_REQUIRED', 'validation');
    spec
      .given(history.mediating())
      .when(terminate({ withdrawingPartyId: 'party-x' }))
      .thenThrows('MEDIATION.WITHDRAWING_PARTY_REQUIRED', 'validation');
    spec
      .given(history.mediating())
      .when(terminate({ grounds: 'no_agreement', withdrawingPartyId: PARTY_A }))
      .thenThrows('MEDIATION.WITHDRAWING_PARTY_NOT_APPLICABLE', 'validation');
  });
});
