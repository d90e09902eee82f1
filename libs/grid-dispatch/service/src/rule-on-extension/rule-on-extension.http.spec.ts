import { DEPT, describeCaseCommand, inProgressCase, ok, OP } from '../testing/case-command.spec-kit';

describeCaseCommand(
  {
    command: 'rule-extension',
    setup: async (h) => {
      const caseId = await inProgressCase(h);
      await ok(h, caseId, 'request-extension', DEPT, { duration: 1, unit: 'working_days', reason: '需协调' });
      return caseId;
    },
    as: OP,
    body: () => ({ decision: 'granted', reason: '理由充分' }),
    then: { status: 'in_progress', events: ['ExtensionGranted'] },
    forbidden: [DEPT, 'gw.g-1-1-1', 'audit.d'],
    outside: 'op.v-1-2',
    invalid: [
      [{ decision: 'granted' }, 'reason'],
      [{ decision: 'maybe', reason: 'x' }, 'decision'],
    ],
  },
  (h) => {
    it('400 for a length on a denial; a denial records ExtensionDenied', async () => {
      const caseId = await inProgressCase(h());
      await ok(h(), caseId, 'request-extension', DEPT, { duration: 1, unit: 'working_days', reason: '需协调' });
      expect(await h().command(caseId, 'rule-extension', OP, { decision: 'denied', duration: 2, reason: 'x' })).toMatchObject({
        status: 400,
        body: { code: 'GRID_DISPATCH.EXTENSION_LENGTH_NOT_ALLOWED' },
      });
      expect(await ok(h(), caseId, 'rule-extension', OP, { decision: 'denied', reason: '时限内可完成' })).toMatchObject({
        status: 'in_progress',
        events: ['ExtensionDenied'],
      });
    });
  },
);
