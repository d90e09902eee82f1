import { DEPT, describeCaseCommand, OP, unroutedCase } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'dispatch',
    setup: (h) => unroutedCase(h),
    as: OP,
    body: () => ({ unitId: 'dept-t1-xf' }),
    then: { status: 'dispatched', events: ['CaseDispatched'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [[{}, 'unitId']],
  },
  (h) => {
    it('400 for a unit the directory does not know or that cannot take cases', async () => {
      const caseId = await unroutedCase(h());
      expect(await h().command(caseId, 'dispatch', OP, { unitId: 'dept-nowhere' })).toMatchObject({
        status: 400,
        body: { code: 'GRID_DISPATCH.UNKNOWN_UNIT' },
      });
      expect(await h().command(caseId, 'dispatch', OP, { unitId: 'u-admin' })).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.UNKNOWN_UNIT' } });
      expect(await h().types(caseId)).toEqual(['WorkOrderOpened']);
    });
  },
);
