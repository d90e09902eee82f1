/**
 * Issue 14 §2 in grid-dispatch: a phone number written into a work order's free text is sealed
 * for the case's reporter (`reporter-<caseId>`) before the event is stored, the views keep it
 * sealed, readers with the right see it, and the published integration event carries it masked.
 */
import { isProtectedText } from '@fengqiao/event-store';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';
import { DEPT, inProgressCase, ok, OP } from '../testing/case-command.spec-kit';

describe('personal data in work orders', () => {
  let h: GridDispatchHarness;
  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);
  afterAll(() => h?.close());

  it('seals a phone number of the feedback, shows it to the centre, keeps the view working', async () => {
    const caseId = await inProgressCase(h);
    const result = await ok(h, caseId, 'feedback', DEPT, { result: '已联系车主（电话15911112222）挪车' });
    expect(result.status).toBe('feedback_submitted');
    const stored = (await h.events(caseId)).find((e) => e.type === 'FeedbackSubmitted');
    expect(JSON.stringify(stored)).not.toContain('15911112222');
    expect(isProtectedText(stored?.data['result'])).toBe(true);
    expect((stored?.data['result'] as { __piiText: { sealed: { __pii: { subjectId: string } } } }).__piiText.sealed.__pii.subjectId).toBe(`reporter-${caseId}`);
    await h.viewsSettled();
    const view = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP });
    expect(view.status).toBe(200);
    expect((view.body as { status: string }).status).toBe('feedback_submitted');
    expect(JSON.stringify(view.body)).toContain('15911112222');
  });
});
