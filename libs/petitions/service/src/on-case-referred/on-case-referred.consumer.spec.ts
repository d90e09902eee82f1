import { fromCloudEventMessage } from '@fengqiao/bus';
import { gridDispatchContracts, topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { fromCloudEvent } from '@fengqiao/platform';
import { eventually, LooseJson } from '@fengqiao/testing';
import { caseReferred, PetitionsTestApp, startPetitionsTestApp } from '../testing/petitions-test-app';
import type { PetitionsContext } from '../petitions.context';
import { petitionIdOfReferral, referralConsumer } from './on-case-referred.consumer';

/**
 * A grid case referred to petitions arrives over the bus and opens a linked petition at the town's
 * petition office, once; the relay publishes the petition's events (no personal data) on
 * petitions.petition.events.v1, the source naming the grid case.
 */
describe('a grid case referred to petitions (consumer petitions.referrals) and what the relay publishes', () => {
  let t: PetitionsTestApp;
  const published: LooseJson[] = [];
  const referral = caseReferred('case-ref-1', '2025-09-23T10:00:00+08:00');
  beforeAll(async () => {
    t = await startPetitionsTestApp();
    await t.runtime.bus.subscribe({
      groupId: 'test.petitions-topic',
      topics: [topics.petitionsPetition],
      handler: async (message) => {
        published.push(validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(message))));
      },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('opens one linked petition per referral, whatever the redeliveries; other grid events are ignored', async () => {
    await t.publishGridDispatch(referral);
    await t.publishGridDispatch(referral);
    await t.publishGridDispatch({ ...referral, id: '0196f3a2-0000-7000-8000-000000000001', data: { ...referral.data, referredTo: 'mediation' } });
    const petitionId = petitionIdOfReferral(referral.id);
    const view = await eventually(
      async () => {
        const res = await t.call('GET', `/petitions/${petitionId}`, { as: 'town1Officer' });
        return res.status === 200 ? res.body : undefined;
      },
      { what: 'the referred petition', timeoutMs: 4000 },
    );
    expect(view).toMatchObject({
      status: 'registered',
      receivingUnitId: 't-1',
      source: { kind: 'grid_case', caseId: 'case-ref-1' },
      summary: '多次调处未果，当事人要求信访部门处理',
    });
    // redelivery after the inbox lost it (a crash between handling and recording) changes nothing either
    expect(await t.runtime.infra.inbox.prune(new Date(Date.now() + 86_400_000))).toBeGreaterThan(0);
    await t.publishGridDispatch(referral);
    await eventually(async () => (((await t.runtime.health()) as LooseJson).consumed[topics.gridDispatchCase] >= 3 ? true : undefined), {
      what: 'the third delivery',
      timeoutMs: 4000,
    });
    const streams = (await t.storedEvents()).filter((e) => e.streamId === `petition-${petitionId}`);
    expect(streams.map((e) => e.type)).toEqual(['PetitionRegistered']);
    expect(streams[0].correlationId).toBe(referral.correlationId);
    const registered = (await t.call('GET', '/petitions?status=registered', { as: 'districtOfficer' })).body.items.filter(
      (i: LooseJson) => i.source.kind === 'grid_case',
    );
    expect(registered).toHaveLength(1);
  });

  it('takes no inbox claim for grid-dispatch events other than referrals (the runtime passes them over)', () => {
    const consumer = referralConsumer({} as PetitionsContext);
    expect(consumer.handles?.(gridDispatchContracts.CaseReferred.type)).toBe(true);
    for (const other of [gridDispatchContracts.CaseDispatched.type, gridDispatchContracts.CaseClosed.type]) expect(consumer.handles?.(other)).toBe(false);
  });

  it('the relay publishes the registration and its source, without personal data', async () => {
    const petitionId = petitionIdOfReferral(referral.id);
    const mine = await eventually(
      () => {
        const m = published.filter((e) => e.subject === petitionId);
        return m.length >= 2 ? m : undefined;
      },
      { what: 'published petition events', timeoutMs: 4000 },
    );
    expect(mine.map((e) => e.type).sort()).toEqual(['cn.fengqiao.petitions.petition.registered.v1', 'cn.fengqiao.petitions.petition.source-recorded.v1']);
    expect(mine.find((e) => e.type.endsWith('source-recorded.v1')).data).toMatchObject({ source: 'grid_case', gridCaseId: 'case-ref-1' });
    expect(mine.find((e) => e.type.endsWith('registered.v1')).data).toMatchObject({
      status: 'registered',
      unitId: 't-1',
      deadline: { kind: 'routing', ruleId: 'petition.routing', legalBasis: '信访工作条例§22' },
    });
  });

  it('an office registration publishes no name, ID number or phone', async () => {
    const before = published.length;
    const p = { name: '赵六', idNumber: '330681198001019999', phone: '13811112222', address: '枫源村9组' };
    await t.ok(
      'POST',
      '/petitions',
      'town1Officer',
      { channel: 'phone', petitioners: [p], summary: '反映问题', matterType: 'other', form: 'oral', recordRef: '来电记录1' },
      201,
    );
    await eventually(() => (published.length >= before + 2 ? true : undefined), { what: 'published', timeoutMs: 4000 });
    const text = JSON.stringify(published.slice(before));
    for (const v of Object.values(p)) expect(text).not.toContain(v);
  });
});
