/**
 * Issue 14: erasing a party reaches the free text of their case. A dispute's summary names the
 * parties and gives a phone number; both are sealed for the case's text key (`text-<streamId>`),
 * and the party's erasure shreds it with the party's own key: the summary then reads redacted
 * (names and numbers masked) for everyone, and every hash chain still verifies.
 */
import { verifyStore } from '@fengqiao/event-store';
import { toMediationStreamId } from '@fengqiao/mediation-domain';
import { LooseJson } from '@fengqiao/testing';
import { MediationTestApp, NEIGHBOURS, startMediationTestApp } from '../testing/mediation-test-app';

const SUMMARY = '王建国反映楼上李秀英家卫生间漏水，王建国的电话13811112222，要求维修并赔偿';
const REDACTED = '王**反映楼上李**家卫生间漏水，王**的电话138****2222，要求维修并赔偿';

describe('erasing a party reaches the free text of their case', () => {
  let t: MediationTestApp;

  beforeAll(async () => {
    t = await startMediationTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('stores the summary sealed, shows it whole to the mediator, and after the erasure only redacted; the chains verify', async () => {
    const { caseId, partyIds } = await t.register('mediator11', { ...NEIGHBOURS, summary: SUMMARY });
    const stored = (await t.storedEvents()).filter((e) => e.streamId === toMediationStreamId(caseId));
    expect(JSON.stringify(stored)).not.toMatch(/王建国|李秀英|13811112222/);
    expect(JSON.stringify(stored)).toContain(REDACTED);
    const before = await t.call<LooseJson>('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' });
    expect(before.body.summary).toBe(SUMMARY);

    const erased = await t.call<LooseJson>('POST', `/privacy/subjects/${partyIds[1]}/erasure`, {
      as: 'admin',
      body: { reason: '当事人依个人信息保护法第四十七条申请删除' },
    });
    expect(erased.status).toBe(200);
    const after = await t.call<LooseJson>('GET', `/mediation/cases/${caseId}`, { as: 'mediator11' });
    expect(after.body.summary).toBe(REDACTED);
    // the audited erasure names the case's text key it shredded too
    const audit = (await t.storedEvents()).filter((e) => e.streamId === `privacy-subject-${partyIds[1]}`);
    expect(audit.map((e) => [e.type, e.data['textSubjects']])).toEqual([['SubjectErased', [`text-${toMediationStreamId(caseId)}`]]]);
    expect((await verifyStore(t.runtime.infra.events)).ok).toBe(true);
  });
});
