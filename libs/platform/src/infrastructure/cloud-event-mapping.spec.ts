import { fromCloudEventMessage, toCloudEventMessage, traceIdOf } from '@fengqiao/bus';
import { IntegrationEvent } from '@fengqiao/contracts';
import { dataschemaOf, fromCloudEvent, toCloudEvent } from './context-runtime';

describe('integration events as CloudEvents', () => {
  const event: IntegrationEvent = {
    id: '0190a7a4-0000-7000-8000-0000000000aa',
    type: 'cn.fengqiao.intake.case.filed.v1',
    source: '/fengqiao/intake',
    subject: 'c-1',
    time: '2026-03-02T09:00:00+08:00',
    correlationId: '4bf92f3577b34da6a3ce929d0e0e4736',
    causationId: 'cmd-1',
    data: { caseId: 'c-1' },
  };

  it('carries dataschema, the contract major version and the W3C traceparent of its correlation', () => {
    const message = toCloudEventMessage(toCloudEvent(event), event.subject);
    expect(message.headers).toMatchObject({
      ce_dataschema: dataschemaOf(event.type),
      ce_schemaversion: '1',
      ce_correlationid: event.correlationId,
      ce_causationid: 'cmd-1',
    });
    expect(traceIdOf(message.headers!.ce_traceparent)).toBe(event.correlationId);
  });

  it('comes back as the same integration event', () => {
    const message = toCloudEventMessage(toCloudEvent(event), event.subject);
    expect(fromCloudEvent(fromCloudEventMessage({ key: message.key, value: message.value, headers: message.headers! }))).toEqual(event);
  });
});
