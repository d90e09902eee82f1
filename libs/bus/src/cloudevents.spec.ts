import fc from 'fast-check';
import pino from 'pino';
import { CloudEvent, Kafka as CEKafka, type Headers, type KafkaMessage } from 'cloudevents';
import { eventually, uniqueName } from '@fengqiao/testing';
import { InProcessBus } from './adapters/in-process/in-process-bus';
import { NonRetriableError, type DeliveredMessage } from './bus.port';
import { CE_HEADERS, CloudEventDecodeError, fromCloudEventMessage, toCloudEventMessage, type CloudEventInput } from './cloudevents';

const caseFiled: CloudEventInput = {
  id: '01964f5e-8a7b-7c3d-9e2f-0123456789ab',
  type: 'CaseFiled',
  source: '/fengqiao/intake',
  time: '2024-05-06T08:30:00.000+08:00',
  subject: 'case-123',
  dataschema: 'https://fengqiao.example/schemas/intake/case-filed/v1',
  extensions: { correlationid: 'corr-1', causationid: 'cmd-1', schemaversion: '1' },
  data: { caseId: 'case-123', title: '消防通道被占用', grid: { id: 'grid-7' }, tags: ['fire', 'lane'], urgent: true, n: 3 },
};

/** What a stock consumer does with a Kafka record: header bytes → text, then the SDK. */
function sdkDecode(m: { key: string; value: string; headers: Record<string, string> }) {
  const headers: Headers = { ...m.headers };
  const record: KafkaMessage<string> = { key: m.key, value: m.value, headers, body: m.value };
  return CEKafka.toEvent(record) as CloudEvent<unknown>;
}

describe('CloudEvents Kafka binding, binary content mode', () => {
  it('writes the ce_* headers, content-type and the JSON data as value', () => {
    const m = toCloudEventMessage(caseFiled, 'case-123');
    expect(m.key).toBe('case-123');
    expect(JSON.parse(m.value)).toEqual(caseFiled.data);
    expect(m.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: caseFiled.id,
      ce_type: 'CaseFiled',
      ce_source: '/fengqiao/intake',
      ce_time: '2024-05-06T08:30:00.000+08:00',
      ce_subject: 'case-123',
      ce_dataschema: caseFiled.dataschema,
      ce_correlationid: 'corr-1',
      ce_causationid: 'cmd-1',
      ce_schemaversion: '1',
    });
  });

  it('is decoded by the cloudevents SDK (Kafka.toEvent) into a valid CloudEvent', () => {
    const m = toCloudEventMessage(caseFiled, 'case-123');
    expect(CEKafka.isEvent({ headers: { ...m.headers }, body: m.value })).toBe(true);
    const ce = sdkDecode({ key: m.key, value: m.value, headers: m.headers! });
    expect(ce.validate()).toBe(true);
    expect(ce.specversion).toBe('1.0');
    expect(ce.id).toBe(caseFiled.id);
    expect(ce.type).toBe('CaseFiled');
    expect(ce.source).toBe('/fengqiao/intake');
    expect(ce.subject).toBe('case-123');
    expect(ce.dataschema).toBe(caseFiled.dataschema);
    expect(ce.datacontenttype).toBe('application/json');
    expect(ce.time).toBe(new Date(caseFiled.time).toISOString());
    expect(ce.data).toEqual(caseFiled.data);
    expect(ce.correlationid).toBe('corr-1');
    expect(ce.causationid).toBe('cmd-1');
    expect(ce.schemaversion).toBe('1');
    expect((ce as unknown as { partitionkey: string }).partitionkey).toBe('case-123');
  });

  it('decodes what the SDK writes (Kafka.binary), and round-trips its own messages', () => {
    const sdkEvent = new CloudEvent({
      id: 'evt-1',
      type: 'MediatorAssigned',
      source: '/fengqiao/mediation',
      time: '2024-06-01T01:02:03.000Z',
      subject: 'case-9',
      datacontenttype: 'application/json',
      correlationid: 'c-9',
      data: { mediatorId: 'm-1', 当事人: ['甲', '乙'] },
    });
    const sdkMessage = CEKafka.binary(sdkEvent);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(sdkMessage.headers)) if (typeof v === 'string') headers[k] = v;
    const ours = fromCloudEventMessage({ key: 'case-9', value: JSON.stringify(sdkMessage.value), headers });
    expect(ours).toMatchObject({
      id: 'evt-1',
      type: 'MediatorAssigned',
      source: '/fengqiao/mediation',
      subject: 'case-9',
      time: '2024-06-01T01:02:03.000Z',
      extensions: { correlationid: 'c-9' },
      data: { mediatorId: 'm-1', 当事人: ['甲', '乙'] },
      partitionkey: 'case-9',
    });

    const back = fromCloudEventMessage({ ...toCloudEventMessage(caseFiled, 'case-123'), headers: toCloudEventMessage(caseFiled, 'case-123').headers! });
    expect(back).toEqual({ ...caseFiled, specversion: '1.0', datacontenttype: 'application/json', partitionkey: 'case-123' });
  });

  it('round-trips any JSON object data and attributes through the SDK (property)', () => {
    const attr = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0 && !/[\r\n\0]/.test(s));
    fc.assert(
      fc.property(
        fc.record({
          id: attr,
          type: attr,
          source: fc.oneof(
            fc.stringMatching(/^\/[A-Za-z0-9\-._~!$&'()*+,;=@/]{0,30}$/),
            fc.webUrl(),
            fc.stringMatching(/^urn:[a-z]{1,8}:[A-Za-z0-9:._-]{1,20}$/),
          ),
          subject: attr,
          time: fc.date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }).map((d) => d.toISOString()),
          data: fc.dictionary(fc.string(), fc.jsonValue()).map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>),
          key: attr,
        }),
        ({ key, ...event }) => {
          const m = toCloudEventMessage(event, key);
          const ce = sdkDecode({ key: m.key, value: m.value, headers: m.headers! });
          expect(ce.validate()).toBe(true);
          expect({ id: ce.id, type: ce.type, source: ce.source, subject: ce.subject, time: ce.time, data: ce.data }).toEqual(event);
          expect(fromCloudEventMessage({ key: m.key, value: m.value, headers: m.headers! }).data).toEqual(event.data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses to encode what is not a valid CloudEvent', () => {
    expect(() => toCloudEventMessage({ ...caseFiled, id: '' }, 'k')).toThrow(/id/);
    expect(() => toCloudEventMessage({ ...caseFiled, source: '/fengqiao/综治 中心' }, 'k')).toThrow(/URI-reference/);
    expect(() => toCloudEventMessage({ ...caseFiled, source: '##;' }, 'k')).toThrow(/URI-reference/);
    expect(() => toCloudEventMessage({ ...caseFiled, source: '1a:b' }, 'k')).toThrow(/URI-reference/);
    expect(toCloudEventMessage({ ...caseFiled, source: 'urn:fengqiao:intake' }, 'k').headers!.ce_source).toBe('urn:fengqiao:intake');
    expect(() => toCloudEventMessage({ ...caseFiled, time: '2024-05-06 08:30' }, 'k')).toThrow(/RFC 3339/);
    expect(() => toCloudEventMessage({ ...caseFiled, extensions: { CorrelationId: 'x' } }, 'k')).toThrow(/extension/);
    expect(() => toCloudEventMessage({ ...caseFiled, extensions: { subject: 'x' } }, 'k')).toThrow(/core attribute/);
    expect(() => toCloudEventMessage({ ...caseFiled, data: undefined }, 'k')).toThrow(/data/);
    expect(() => toCloudEventMessage(caseFiled, '')).toThrow(/key/);
  });

  it('refuses to decode a message that is not a binary-mode JSON CloudEvent, as not retriable', () => {
    const good = toCloudEventMessage(caseFiled, 'case-123');
    const without = (name: string) => {
      const headers = { ...good.headers! };
      delete headers[name];
      return { key: 'k', value: good.value, headers };
    };
    for (const name of [CE_HEADERS.id, CE_HEADERS.type, CE_HEADERS.source, CE_HEADERS.specversion, CE_HEADERS.time, CE_HEADERS.contentType]) {
      expect(() => fromCloudEventMessage(without(name))).toThrow(CloudEventDecodeError);
    }
    const bad =
      (patch: Record<string, string>, value = good.value) =>
      () =>
        fromCloudEventMessage({ key: 'k', value, headers: { ...good.headers!, ...patch } });
    expect(bad({ ce_specversion: '0.3' })).toThrow(/specversion/);
    expect(bad({ 'content-type': 'text/plain' })).toThrow(/content-type/);
    // a structured-mode content type with a binary-mode value is not a structured CloudEvent
    expect(bad({ 'content-type': 'application/cloudevents+json' })).toThrow(/attribute|specversion/);
    expect(bad({ ce_time: 'yesterday' })).toThrow(/RFC 3339/);
    expect(bad({}, '{not json')).toThrow(/JSON/);
    expect(bad({}, '{not json')).toThrow(NonRetriableError);
    // header names are case-insensitive on the way in
    expect(
      fromCloudEventMessage({
        key: 'k',
        value: good.value,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          CE_ID: 'x',
          ce_type: 't',
          ce_source: 's',
          ce_specversion: '1.0',
          ce_time: '2024-01-01T00:00:00Z',
        },
      }).id,
    ).toBe('x');
  });

  it('reads structured content mode as the SDK writes it (Kafka.structured), the same event as binary mode', () => {
    const sdkEvent = new CloudEvent({
      id: caseFiled.id,
      type: caseFiled.type,
      source: caseFiled.source,
      time: caseFiled.time,
      subject: caseFiled.subject,
      dataschema: caseFiled.dataschema,
      datacontenttype: 'application/json',
      correlationid: 'corr-1',
      data: caseFiled.data,
    });
    const structured = CEKafka.structured(sdkEvent) as KafkaMessage<string>;
    const headers = Object.fromEntries(Object.entries(structured.headers).map(([k, v]) => [k, String(v)]));
    expect(headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    const decoded = fromCloudEventMessage({ key: 'case-123', value: String(structured.value), headers });
    expect(decoded).toMatchObject({ id: caseFiled.id, type: caseFiled.type, source: caseFiled.source, subject: caseFiled.subject, data: caseFiled.data });
    expect(decoded.extensions).toMatchObject({ correlationid: 'corr-1' });
    const asBinary = toCloudEventMessage({ ...caseFiled, extensions: { correlationid: 'corr-1' } }, 'case-123');
    const binary = fromCloudEventMessage({ key: asBinary.key, value: asBinary.value, headers: asBinary.headers! });
    // the SDK normalises time to UTC: the same instant
    expect(Date.parse(decoded.time)).toBe(Date.parse(binary.time));
    expect({ ...decoded, time: binary.time, datacontenttype: binary.datacontenttype }).toEqual(binary);
    // a structured event with binary data or a bad attribute is refused, not retried
    const value = (o: Record<string, unknown>) => ({ key: 'k', value: JSON.stringify(o), headers: { 'content-type': 'application/cloudevents+json' } });
    const base = { specversion: '1.0', id: 'x', type: 't', source: '/s', time: '2024-01-01T00:00:00Z', data: {} };
    expect(fromCloudEventMessage(value(base)).id).toBe('x');
    expect(() => fromCloudEventMessage(value({ ...base, data: undefined, data_base64: 'AA==' }))).toThrow(CloudEventDecodeError);
    expect(() => fromCloudEventMessage(value({ ...base, time: 'noon' }))).toThrow(/RFC 3339/);
    expect(() => fromCloudEventMessage(value({ ...base, 'Bad-Name': 1 }))).toThrow(CloudEventDecodeError);
    expect(() => fromCloudEventMessage({ key: 'k', value: '[1]', headers: { 'content-type': 'application/cloudevents+json' } })).toThrow(CloudEventDecodeError);
  });

  it('decodes with the SDK what went through the bus', async () => {
    const bus = new InProcessBus({ logger: pino({ level: 'silent' }) });
    const topic = uniqueName('ce.case.events.v1');
    const got: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: uniqueName('ce.reader'), topics: [topic], handler: async (m) => void got.push(m) });
    await bus.publish(topic, [toCloudEventMessage(caseFiled, 'case-123')]);
    await eventually(() => (got.length > 0 ? true : undefined), { what: 'the message' });
    const ce = sdkDecode(got[0]);
    expect(ce.validate()).toBe(true);
    expect(ce.id).toBe(caseFiled.id);
    expect(ce.data).toEqual(caseFiled.data);
    await bus.close();
  });
});
