import { newId } from '@fengqiao/kernel';
import { DEPT, describeCaseCommand, dispatchedCase, ok, OP, unroutedCase } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'merge',
    setup: dispatchedCase,
    as: OP,
    body: (_, h) => dispatchedCase(h).then((duplicateOf) => ({ duplicateOf })),
    then: { status: 'merged_duplicate', events: ['CaseMerged'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [[{}, 'duplicateOf']],
  },
  (h) => {
    it("the target must exist in the caller's jurisdiction (one 404 for unknown and outside) and not be merged away itself (409)", async () => {
      const caseId = await dispatchedCase(h());
      const elsewhere = await unroutedCase(h(), 'g-2-1-1');
      const unknown = await h().command(caseId, 'merge', OP, { duplicateOf: `c-${newId()}` });
      const outside = await h().command(caseId, 'merge', OP, { duplicateOf: elsewhere });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'GRID_DISPATCH.TARGET_NOT_FOUND' } });
      expect(outside).toMatchObject({ status: 404, body: { code: 'GRID_DISPATCH.TARGET_NOT_FOUND' } });
      const first = await dispatchedCase(h());
      const second = await dispatchedCase(h());
      await ok(h(), second, 'merge', OP, { duplicateOf: first });
      expect(await h().command(caseId, 'merge', OP, { duplicateOf: second })).toMatchObject({
        status: 409,
        body: { code: 'GRID_DISPATCH.TARGET_MERGED', details: { mergedInto: first } },
      });
      expect(await h().command(caseId, 'merge', OP, { duplicateOf: caseId })).toMatchObject({ status: 400, body: { code: 'GRID_CASE.INVALID_DUPLICATE_OF' } });
      expect(await h().types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    });
  },
);
