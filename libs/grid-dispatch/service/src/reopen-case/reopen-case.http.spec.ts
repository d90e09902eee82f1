import { closedCase, DEPT, describeCaseCommand, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'reopen',
    setup: closedCase,
    as: OP,
    body: () => ({ reason: '群众反映杂物再次堆放' }),
    then: { status: 'reopened', events: ['CaseReopened'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [[{}, 'reason']],
  },
  (h) => {
    it('a reopened case waits for dispatch again, with the routing suggestion', async () => {
      const caseId = await closedCase(h());
      await ok(h(), caseId, 'reopen', OP, { reason: '再次堆放' });
      const queue = await h().call('GET', '/grid-dispatch/queue?kind=dispatch&pageSize=200', { as: OP });
      expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ status: 'reopened', suggestedUnitId: 'dept-t1-xf' });
      expect(await ok(h(), caseId, 'dispatch', OP, { unitId: 'dept-t1-xf' })).toMatchObject({ status: 'dispatched' });
    });
  },
);
