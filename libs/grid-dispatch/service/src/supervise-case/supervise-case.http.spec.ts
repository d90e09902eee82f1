import { DEPT, describeCaseCommand, dispatchedCase, ok, OP_TOWN } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'supervise',
    setup: dispatchedCase,
    as: OP_TOWN,
    body: () => ({ opinion: '请于今日内处置完毕' }),
    then: { status: 'dispatched', events: ['SupervisionIssued'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [
      [{}, 'opinion'],
      [{ opinion: 'x'.repeat(2001) }, 'opinion'],
    ],
  },
  (h) => {
    it('records the level of the supervising centre and the opinion', async () => {
      const caseId = await dispatchedCase(h());
      await ok(h(), caseId, 'supervise', OP_TOWN, { opinion: '请尽快签收' });
      const detail = await h().call('GET', `/grid-dispatch/cases/${caseId}`, { as: DEPT });
      expect(detail.body.supervisions).toEqual([expect.objectContaining({ level: 'town', opinion: '请尽快签收', issuedBy: 'u-op-t-1' })]);
    });
  },
);
