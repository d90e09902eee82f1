import { PETITION_LEGAL_BASIS as LB } from './petition.rules';
import { petitionDecider } from './petition.decider';
import { cmd, history, meta, officer, PETITION_ID, stamp } from '../testing/petition.fixtures';
import { deciderSpec } from '../testing/decider-spec';
import { DirectToLegalProcedure } from './petition.commands';

/** §31 (1)–(4), 诉访分离: a matter for litigation, arbitration or administrative review goes into that procedure. */
describe('DirectToLegalProcedure', () => {
  const spec = deciderSpec(petitionDecider);
  const at = '2025-06-05T10:00:00+08:00';
  const direct = (data: DirectToLegalProcedure['data']) => cmd<DirectToLegalProcedure>('DirectToLegalProcedure', data, meta(at));

  it('from a registered petition: not accepted with grounds legal_procedure, the body named, §31; no repeat flag', () => {
    const { state } = spec
      .given(history.registered())
      .when(direct({ procedure: 'litigation', body: '枫桥区人民法院' }))
      .then([
        {
          type: 'PetitionNotAccepted',
          data: { petitionId: PETITION_ID, grounds: 'legal_procedure', procedure: 'litigation', toldToApplyTo: '枫桥区人民法院', ...stamp(at) },
          legalBasis: LB.legalProcedure,
        },
      ]);
    expect(state).toMatchObject({
      status: 'not_accepted',
      flags: { repeat: false },
      notAccepted: { grounds: 'legal_procedure', toldToApplyTo: '枫桥区人民法院' },
    });
    expect(LB.legalProcedure).toBe('信访工作条例§31');
  });

  it('from a routed petition (the receiving body directs it) as well', () => {
    spec
      .given(history.routed())
      .when(direct({ procedure: 'arbitration', body: '劳动人事争议仲裁委员会' }))
      .thenMatch([{ type: 'PetitionNotAccepted', data: { grounds: 'legal_procedure', procedure: 'arbitration' } }]);
  });

  it('refuses an unknown procedure and a missing body', () => {
    spec
      .given(history.registered())
      .when(direct({ procedure: 'oracle' as never, body: 'x' }))
      .thenThrows('PETITION.INVALID_PROCEDURE', 'validation');
    spec
      .given(history.registered())
      .when(direct({ procedure: 'administrative_review', body: ' ' }))
      .thenThrows('PETITION.FIELD_REQUIRED', 'validation');
  });

  it('is refused once accepted', () => {
    spec
      .given(history.acceptanceNotified())
      .when(direct({ procedure: 'litigation', body: '法院' }))
      .thenThrows('PETITION.INVALID_STATE', 'illegal_state');
    void officer;
  });
});
