/**
 * Issue 14 §2 in intake: the reporter and the phone and ID numbers of a description are stored
 * sealed (events and the case view), shown by role, never published in clear; an admin's erasure
 * shreds the reporter's key, after which they read 已删除 while the store still verifies.
 */
import { topics } from '@fengqiao/contracts';
import { isSealedPersonalData, verifyStore } from '@fengqiao/event-store';
import { LooseJson } from '@fengqiao/testing';
import { CASE_VIEW } from '../case-view/case-view';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

const NAME = '钱多多';
const PHONE = '13912340077';
const ID_NUMBER = '11010519491231002X';
const DESCRIPTION = `门口消防通道被堵，可联系邻居18612345678，车主身份证${ID_NUMBER}`;

describe('personal data in intake (sealed, shown by role, erased on request)', () => {
  let t: IntakeTestApp;
  let caseId: string;
  const published: string[] = [];

  beforeAll(async () => {
    t = await startIntakeTestApp();
    await t.runtime.bus.subscribe({
      groupId: 'test.privacy-scan',
      topics: [topics.intakeCase, topics.privacySubject],
      handler: async (m) => {
        published.push(`${m.topic} ${m.value} ${JSON.stringify(m.headers)}`);
      },
    });
    ({ caseId } = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'fire_lane_blocked',
      description: DESCRIPTION,
      location: { point: pointIn('g-2-1-4') },
      reporter: { anonymous: false, name: NAME, phone: PHONE },
    }));
  }, 60_000);
  afterAll(() => t?.close());

  const clear = new RegExp(`${NAME}|${PHONE}|18612345678|${ID_NUMBER}`);

  it('stores no clear name, phone or ID number in the events or the case view', async () => {
    const stored = (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${caseId}`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toMatch(clear);
    expect(isSealedPersonalData((stored[0].data['reporter'] as LooseJson).name)).toBe(true);
    expect(stored[0].data['description']).toMatchObject({ __piiText: { redacted: '门口消防通道被堵，可联系邻居186****5678，车主身份证110***********002X' } });
    const view = await t.runtime.infra.readStore.get(CASE_VIEW, caseId);
    expect(view).not.toBeNull();
    expect(JSON.stringify(view)).not.toMatch(clear);
  });

  it('shows them to readers with the right and masks them for others', async () => {
    const operator = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'districtOperator' });
    expect(operator.body).toMatchObject({ description: DESCRIPTION, reporter: { anonymous: false, name: NAME, phone: PHONE } });
    const auditor = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'auditorDistrict' });
    expect(auditor.body.reporter).toEqual({ anonymous: false, name: '钱**', phone: '139****0077' });
    expect(auditor.body.description).toBe('门口消防通道被堵，可联系邻居186****5678，车主身份证110***********002X');
  });

  it('publishes the case on the bus without any of them in clear', async () => {
    const deadline = Date.now() + 10_000;
    while (!published.some((p) => p.includes(caseId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mine = published.filter((p) => p.includes(caseId));
    expect(mine.length).toBeGreaterThan(0);
    for (const p of mine) expect(p).not.toMatch(clear);
  });

  it('erasure: admin only, with a reason; afterwards 已删除, the store verifies, the erasure is audited', async () => {
    const path = `/privacy/subjects/reporter-${caseId}/erasure`;
    expect((await t.call('POST', path, { as: 'districtOperator', body: { reason: '本人申请' } })).status).toBe(403);
    const noReason = await t.call<LooseJson>('POST', path, { as: 'admin', body: {} });
    expect(noReason.status).toBe(400);
    const erased = await t.call<LooseJson>('POST', path, { as: 'admin', body: { reason: '本人依个人信息保护法第四十七条申请删除' } });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ subjectId: `reporter-${caseId}`, contexts: [{ context: 'intake', held: true }] });

    const after = await t.call<LooseJson>('GET', `/intake/cases/${caseId}`, { as: 'districtOperator' });
    expect(after.body.reporter).toEqual({ anonymous: false, name: '已删除', phone: '已删除' });
    expect(after.body.description).toBe('门口消防通道被堵，可联系邻居186****5678，车主身份证110***********002X');

    const audit = (await t.storedEvents()).filter((e) => e.streamId === `privacy-subject-reporter-${caseId}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      type: 'SubjectErased',
      legalBasis: '个人信息保护法§47',
      actor: { role: 'admin' },
      data: { subjectId: `reporter-${caseId}`, origin: 'request', held: true, reason: '本人依个人信息保护法第四十七条申请删除' },
    });
    const verified = await verifyStore(t.runtime.infra.events);
    expect(verified.ok).toBe(true);

    // the request went out on the bus, and applying it again changes nothing
    const deadline = Date.now() + 10_000;
    while (!published.some((p) => p.startsWith(topics.privacySubject)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(published.filter((p) => p.startsWith(topics.privacySubject))).toHaveLength(1);
    expect((await t.storedEvents()).filter((e) => e.type === 'SubjectErased')).toHaveLength(1);

    // the reporter's case can still be worked on: the decider reads 已删除, nothing fails
    const accepted = await t.call<LooseJson>('POST', `/intake/cases/${caseId}/accept`, { as: 'districtOperator', body: {} });
    expect(accepted.status).toBe(200);
  });
});
