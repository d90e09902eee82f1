import { gridDispatchEvent, IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY } from '../testing/intake-test-app';
import { GeoReportClient, GeoReportFormat } from './testing/georeport-client';
import { maskPlate, redactPublicText } from './open311.mapper';

/**
 * Issue 14 item 6: a GeoReport v2 client (written from the specification, parsing XML with a DOM
 * parser) runs the same checks in XML and in JSON mode against the standalone intake service:
 * discovery, services, a service definition, POST and GET requests, errors in the format asked
 * for with one message per failing field, CORS, public views without names, plates and phone
 * numbers, and `expected_datetime` from the work order's deadline.
 */
describe.each<GeoReportFormat>(['xml', 'json'])('a GeoReport v2 client in %s mode', (format) => {
  let t: IntakeTestApp;
  let client: GeoReportClient;
  let anonymous: GeoReportClient;
  beforeAll(async () => {
    t = await startIntakeTestApp();
    client = new GeoReportClient(`${t.url}/open311/v2`, format, TEST_API_KEY);
    anonymous = new GeoReportClient(`${t.url}/open311/v2`, format);
  }, 60_000);
  afterAll(() => t?.close());

  const contentType = format === 'xml' ? /^text\/xml/ : /^application\/json/;
  const point = pointIn('g-1-3-2');
  const report = {
    service_code: 'fire_lane_blocked',
    lat: String(point.lat),
    long: String(point.lng),
    description: '车主王建国的浙D12345和浙DF·12345长期堵住消防通道，联系我 13912345678，我叫张三',
    first_name: '三',
    last_name: '张',
    phone: '13800000103',
  };

  it('discovery names both formats; services and a service definition read in the format asked for', async () => {
    const discovery = await client.discovery();
    expect([discovery.status, discovery.contentType]).toEqual([200, expect.stringMatching(contentType)]);
    expect(discovery.body.formats).toEqual(expect.arrayContaining(['text/xml', 'application/json']));
    expect(discovery.body.fields['changeset']).toBeTruthy();

    const services = await client.services();
    expect([services.status, services.contentType]).toEqual([200, expect.stringMatching(contentType)]);
    expect(services.body.length).toBeGreaterThan(3);
    expect(services.body.find((s) => s['service_code'] === 'fire_lane_blocked')).toMatchObject({
      metadata: 'false',
      type: 'realtime',
      service_name: expect.any(String),
    });

    const definition = await client.serviceDefinition('fire_lane_blocked');
    expect([definition.status, definition.body]).toEqual([200, { service_code: 'fire_lane_blocked', attributes: 0 }]);
    const unknown = await client.serviceDefinition('ufo');
    expect([unknown.status, unknown.contentType]).toEqual([404, expect.stringMatching(contentType)]);
    expect(client.errors(unknown)).toEqual([{ code: '404', description: 'service_code 不存在：ufo' }]);
  });

  it('POST requests answers the new id; the public view has no names, plates or phone numbers; expected_datetime follows the work order', async () => {
    const posted = await client.postRequest(report);
    expect([posted.status, posted.contentType]).toEqual([201, expect.stringMatching(contentType)]);
    expect(posted.body).toHaveLength(1);
    const id = posted.body[0]!['service_request_id']!;
    expect(id).toBeTruthy();
    expect(posted.body[0]!['service_notice']).toContain('已收到');

    const read = await anonymous.request(id);
    expect([read.status, read.contentType]).toEqual([200, expect.stringMatching(contentType)]);
    const [request] = read.body;
    expect(request).toMatchObject({ service_request_id: id, status: 'open', service_code: 'fire_lane_blocked', expected_datetime: null });
    const text = JSON.stringify(request);
    for (const secret of ['王建国', '张三', '浙D12345', 'F·12345', '13912345678', '13800000103']) expect(text).not.toContain(secret);
    expect(request!['description']).toBe('车主王**的浙D*****和浙D*·*****长期堵住消防通道，联系我 139****5678，我叫张*');
    for (const field of ['first_name', 'last_name', 'phone', 'email']) expect(request).not.toHaveProperty(field);

    // grid-dispatch dispatches the work order with a deadline: the public view shows it as expected_datetime
    const dueAt = '2025-03-03T11:00:00.000Z';
    const jurisdiction = ['d-fq', 't-1', 'v-1-3', 'g-1-3-2'];
    await t.publishGridDispatch(
      gridDispatchEvent('CaseDispatched', {
        caseId: id,
        status: 'dispatched',
        at: '2025-03-03T09:05:00+08:00',
        jurisdiction,
        unitId: 'v-1-3',
        step: 'accept',
        dueAt,
      }),
    );
    await t.viewWhen(id, (v) => v.dispatch?.dueAt === dueAt, 'the dispatch in the view');
    const dispatched = await anonymous.request(id);
    expect(dispatched.body[0]).toMatchObject({ expected_datetime: dueAt, status: 'open' });
    const listed = await anonymous.requests({ service_request_id: id });
    expect(listed.body.map((r) => [r['service_request_id'], r['expected_datetime']])).toEqual([[id, dueAt]]);
  });

  it('errors come in the format asked for, one message per failing field', async () => {
    const noKey = await anonymous.postRequest({ ...report });
    expect([noKey.status, noKey.contentType]).toEqual([400, expect.stringMatching(contentType)]);
    expect(anonymous.errors(noKey)).toEqual([{ code: '400', description: 'api_key 必填' }]);

    const bad = await client.postRequest({ service_code: 'fire_lane_blocked', lat: '北纬', long: '200', description: '' });
    expect(bad.status).toBe(400);
    const errors = client.errors(bad);
    const descriptions = errors.map((e) => e.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    const fieldsNamed = ['lat', 'long', 'description'].map((f) => descriptions.filter((d) => d.startsWith(`${f}`) || d.includes(`${f} `)).length);
    expect(fieldsNamed).toEqual([1, 1, 1]);
    expect(errors.every((e) => e.code === '400')).toBe(true);

    const missing = await anonymous.request('no-such-case');
    expect([missing.status, anonymous.errors(missing)]).toEqual([404, [{ code: '404', description: 'service_request_id 不存在：no-such-case' }]]);
  });

  it('CORS: any origin may read and post; the preflight is answered', async () => {
    const preflight = await client.preflight('requests', 'https://map.example.org');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const res = await fetch(`${t.url}/open311/v2/services.${format}`, { headers: { origin: 'https://map.example.org' } });
    expect([res.status, res.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
    // the staff API stays closed to other origins
    const staff = await fetch(`${t.url}/intake/cases`, {
      method: 'OPTIONS',
      headers: { origin: 'https://map.example.org', 'access-control-request-method': 'GET' },
    });
    expect(staff.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('public text masking (Open311 views)', () => {
  it('masks plates, introduced names, the names given, phone and ID numbers; leaves the rest', () => {
    expect(maskPlate('浙D12345')).toBe('浙D*****');
    expect(redactPublicText('联系人：李四，身份证330681199001011234', [])).toBe('联系人：李*，身份证330***********1234');
    expect(redactPublicText('王小明说路灯坏了', ['王小明'])).toBe('王**说路灯坏了');
    expect(redactPublicText('滨河步道路灯一周不亮', ['张三'])).toBe('滨河步道路灯一周不亮');
    expect(redactPublicText('5号楼ABC12345门禁')).toBe('5号楼ABC12345门禁');
  });
});
