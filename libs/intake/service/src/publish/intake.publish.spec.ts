import { fromCloudEventMessage, DeliveredMessage } from '@fengqiao/bus';
import { IntegrationEvent, topics, validateIntegrationEvent } from '@fengqiao/contracts';
import { fromCloudEvent } from '@fengqiao/platform';
import { eventually, LooseJson, uniqueName } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY } from '../testing/intake-test-app';
import { INTAKE_SOURCE, publish } from './intake.publish';

/**
 * What the relay publishes on intake.case.events.v1: one valid integration event per stored
 * report event (id = stored id, subject = case id, source /fengqiao/intake), never the reporter's
 * contact nor the reasons given. Decoding with the `cloudevents` SDK is tested in libs/bus.
 */
describe('intake integration events (the relay of intake)', () => {
  let t: IntakeTestApp;
  const received: DeliveredMessage[] = [];
  beforeAll(async () => {
    t = await startIntakeTestApp();
    await t.runtime.bus.subscribe({
      groupId: uniqueName('intake-publish-test'),
      topics: [topics.intakeCase],
      handler: async (m) => {
        received.push(m);
      },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('publishes reported, accepted, filed, declined and merged as valid contracts without reporter or reasons', async () => {
    const contact = { anonymous: false, name: '欧阳娜娜', phone: '13987654321' };
    const first = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'fire_lane_blocked',
      description: '消防通道被堵',
      location: { point: pointIn('g-1-1-2'), address: '枫源小区3号楼北侧' },
      reporter: contact,
      attachments: [{ ref: 'obj://secret/photo.jpg' }],
    });
    expect((await t.call('POST', `/intake/cases/${first.caseId}/accept`, { as: 'districtOperator', body: { reason: '机密的受理说明' } })).status).toBe(200);
    expect((await t.call('POST', `/intake/cases/${first.caseId}/file`, { as: 'districtOperator', body: { reason: '机密的立案说明' } })).status).toBe(200);
    const second = await t.report('districtOperator', {
      channel: 'hotline',
      category: 'fire_lane_blocked',
      description: '同一处',
      location: { point: pointIn('g-1-1-2') },
      reporter: contact,
    });
    expect(
      (
        await t.call('POST', `/intake/cases/${second.caseId}/decline`, {
          as: 'districtOperator',
          body: { declineReason: 'duplicate', duplicateOf: first.caseId, reason: '机密的答复' },
        })
      ).status,
    ).toBe(200);
    const third = await t.call<LooseJson>('POST', '/open311/v2/requests.json', {
      form: {
        api_key: TEST_API_KEY,
        service_code: 'fire_lane_blocked',
        address_string: '枫源小区3号楼北侧',
        description: '又堵了',
        first_name: '娜娜',
        last_name: '欧阳',
        phone: '13987654321',
      },
    });
    const thirdId = third.body[0].service_request_id as string;
    expect((await t.call('POST', `/intake/cases/${thirdId}/merge`, { as: 'districtOperator', body: { duplicateOf: first.caseId } })).status).toBe(200);

    const stored = (await t.storedEvents()).filter((e) => [first.caseId, second.caseId, thirdId].includes(e.data['caseId'] as string));
    expect(stored).toHaveLength(7);
    const messages = await eventually(() => (received.length >= stored.length ? received : undefined), {
      what: 'the relay to publish every event',
      timeoutMs: 10_000,
    });

    const events: IntegrationEvent[] = messages.map((m) => validateIntegrationEvent(fromCloudEvent(fromCloudEventMessage(m))));
    expect(events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(events.map((e) => e.type)).toEqual([
      'cn.fengqiao.intake.case.reported.v1',
      'cn.fengqiao.intake.case.accepted.v1',
      'cn.fengqiao.intake.case.filed.v1',
      'cn.fengqiao.intake.case.reported.v1',
      'cn.fengqiao.intake.case.declined.v1',
      'cn.fengqiao.intake.case.reported.v1',
      'cn.fengqiao.intake.case.merged.v1',
    ]);
    for (const [i, e] of events.entries()) {
      expect(e).toMatchObject({ source: INTAKE_SOURCE, subject: stored[i].data['caseId'], time: stored[i].occurredAt, correlationId: stored[i].correlationId });
      expect(messages[i].key).toBe(stored[i].data['caseId']);
    }
    expect(events.find((e) => e.type.endsWith('.filed.v1'))!.data).toMatchObject({
      caseId: first.caseId,
      gridId: 'g-1-1-2',
      level: 'district',
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-2'],
    });
    // the category's name from intake's reference data, for people downstream (figures, warnings)
    for (const e of events.filter((x) => x.type.endsWith('.reported.v1') || x.type.endsWith('.filed.v1'))) {
      expect(e.data).toMatchObject({ category: 'fire_lane_blocked', categoryName: '消防通道堵塞' });
    }
    expect(events.find((e) => e.type.endsWith('.declined.v1'))!.data).toEqual({
      caseId: second.caseId,
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-2'],
      at: stored.find((s) => s.type === 'CaseDeclined')!.occurredAt,
      declineReason: 'duplicate',
      duplicateOf: first.caseId,
    });

    const wire = messages.map((m) => `${m.value} ${JSON.stringify(m.headers)}`).join('\n');
    for (const secret of ['欧阳', '娜娜', '13987654321', 'reporter', 'anonymous', 'obj://secret', '机密']) expect(wire).not.toContain(secret);
  });

  it('maps nothing that is not a report event', () => {
    const stored = {
      id: 'x',
      type: 'SomethingElse',
      schemaVersion: 1,
      streamId: 's',
      revision: 0,
      globalPosition: 1,
      occurredAt: '2025-03-03T01:00:00.000Z',
      recordedAt: '2025-03-03T01:00:00.000Z',
      actor: { userId: 'u', role: 'operator' as const, unitId: 'd-fq' },
      correlationId: 'c',
      causationId: 'c',
      jurisdiction: ['d-fq'],
      hash: 'h',
      data: { caseId: 'x' },
    };
    expect(publish(stored)).toBeNull();
  });
});
