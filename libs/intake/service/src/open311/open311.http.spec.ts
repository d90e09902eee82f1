import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY } from '../testing/intake-test-app';

/** Open311 GeoReport v2 under /open311/v2 in standalone mode, without user tokens. */
describe('Open311 GeoReport v2', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const form = (over: Record<string, string> = {}) => ({
    api_key: TEST_API_KEY,
    service_code: 'streetlight_fault',
    lat: String(pointIn('g-1-3-2').lat),
    long: String(pointIn('g-1-3-2').lng),
    description: '滨河步道路灯一周不亮，联系我 13912345678',
    first_name: '三',
    last_name: '张',
    phone: '13800000103',
    email: 'zhang@example.com',
    media_url: 'https://img.example.com/lamp.jpg',
    'attribute[WHEN]': 'night',
    ...over,
  });

  describe('discovery and services', () => {
    it('discovery.json (and without suffix)', async () => {
      for (const path of ['/open311/v2/discovery.json', '/open311/v2/discovery']) {
        const res = await t.call<LooseJson>('GET', path);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          changeset: '2025-01-01T00:00:00+08:00',
          contact: expect.any(String),
          key_service: expect.any(String),
          endpoints: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: `${t.url}/open311/v2`,
              changeset: '2025-01-01T00:00:00+08:00',
              type: 'test',
              formats: ['text/xml', 'application/json'],
            },
          ],
        });
      }
    });

    it('services.json lists the public categories as realtime services without metadata', async () => {
      const res = await t.call<LooseJson>('GET', '/open311/v2/services.json');
      expect(res.status).toBe(200);
      const codes = res.body.map((s: LooseJson) => s.service_code);
      expect(codes).toContain('fire_lane_blocked');
      // disputes and public-security leads are not offered in public
      expect(codes).not.toContain('neighbour_dispute');
      expect(codes).not.toContain('public_security_risk');
      expect(res.body.find((s: LooseJson) => s.service_code === 'fire_lane_blocked')).toEqual({
        service_code: 'fire_lane_blocked',
        service_name: '消防通道堵塞',
        description: '消防车通道、楼道安全出口被车辆或杂物占用堵塞。',
        metadata: false,
        type: 'realtime',
        keywords: '消防通道,安全出口,堵塞,杂物',
        group: '安全隐患',
      });
      expect((await t.call('GET', '/open311/v2/services')).body).toEqual(res.body);
    });

    it('services/{code}.json: an empty definition for a known service, 404 for an unknown one; .xml answers XML', async () => {
      const known = await t.call<LooseJson>('GET', '/open311/v2/services/fire_lane_blocked.json');
      expect(known.status).toBe(200);
      expect(known.body).toEqual({ service_code: 'fire_lane_blocked', attributes: [] });
      const unknown = await t.call<LooseJson>('GET', '/open311/v2/services/ufo.json');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual([{ code: 404, description: 'service_code 不存在：ufo' }]);
      expect((await t.call('GET', '/open311/v2/services/neighbour_dispute.json')).status).toBe(404);
      const xml = await fetch(`${t.url}/open311/v2/services/fire_lane_blocked.xml`);
      expect([xml.status, xml.headers.get('content-type')]).toEqual([200, 'text/xml; charset=utf-8']);
      expect(await xml.text()).toBe(
        '<?xml version="1.0" encoding="UTF-8"?><service_definition><service_code>fire_lane_blocked</service_code><attributes/></service_definition>',
      );
    });

    it('a foreign jurisdiction_id is 404', async () => {
      const res = await t.call<LooseJson>('GET', '/open311/v2/services.json?jurisdiction_id=sfgov.org');
      expect(res.status).toBe(404);
      expect(res.body).toEqual([{ code: 404, description: 'jurisdiction_id 不存在：sfgov.org（本接口为 fengqiao.demo）' }]);
      expect((await t.call('GET', '/open311/v2/services.json?jurisdiction_id=fengqiao.demo')).status).toBe(200);
    });
  });

  describe('POST requests and reading them back', () => {
    it('form-encoded POST creates a case through the online channel; GET without a token shows it without the reporter', async () => {
      const res = await t.call<LooseJson>('POST', '/open311/v2/requests.json', { form: form() });
      expect(res.status).toBe(201);
      expect(res.body).toEqual([{ service_request_id: expect.any(String), service_notice: expect.stringContaining('溪口社区第二网格') }]);
      const id = res.body[0].service_request_id;

      const stored = (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${id}`);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        type: 'CaseReported',
        actor: { userId: 'open311:test-client', role: 'system', unitId: 'd-fq' },
        jurisdiction: ['d-fq', 't-1', 'v-1-3', 'g-1-3-2'],
        data: {
          channel: 'online',
          category: 'streetlight_fault',
          gridId: 'g-1-3-2',
          reporter: { anonymous: false, name: { __pii: expect.objectContaining({ subjectId: `reporter-${id}` }) }, phone: { __pii: expect.any(Object) } },
          attachments: [{ ref: 'https://img.example.com/lamp.jpg' }],
        },
      });
      expect(JSON.stringify(stored[0].data)).not.toContain('zhang@example.com');

      const one = await t.call<LooseJson>('GET', `/open311/v2/requests/${id}.json`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual([
        {
          service_request_id: id,
          status: 'open',
          status_notes: '已上报，待受理',
          service_name: '路灯故障',
          service_code: 'streetlight_fault',
          description: '滨河步道路灯一周不亮，联系我 139****5678',
          agency_responsible: null,
          service_notice: null,
          requested_datetime: t.clock.now().toISOString(),
          updated_datetime: t.clock.now().toISOString(),
          expected_datetime: null,
          address: null,
          address_id: null,
          zipcode: null,
          lat: pointIn('g-1-3-2').lat,
          long: pointIn('g-1-3-2').lng,
          media_url: 'https://img.example.com/lamp.jpg',
        },
      ]);
      const text = JSON.stringify(one.body);
      expect(text).not.toContain('张三');
      expect(text).not.toContain('13800000103');
      expect((await t.call<LooseJson>('GET', `/open311/v2/requests/${id}`)).body).toEqual(one.body);
    });

    it('JSON POST with an address only: located by the address table, or unlocated and received by the district', async () => {
      const byAddress = await t.call<LooseJson>('POST', '/open311/v2/requests.json', {
        body: { api_key: TEST_API_KEY, service_code: 'garbage_overflow', address_string: '栎桥菜市场东门', description: '垃圾满了' },
      });
      expect(byAddress.status).toBe(201);
      const located = (await t.storedEvents()).find((e) => e.streamId === `grid-case-report-${byAddress.body[0].service_request_id}`)!;
      expect(located.data).toMatchObject({ gridId: 'g-1-2-1', location: { address: '栎桥菜市场东门' }, reporter: { anonymous: true } });

      const lost = await t.call<LooseJson>('POST', '/open311/v2/requests', {
        body: { api_key: TEST_API_KEY, service_code: 'garbage_overflow', address_string: '月球背面', description: '垃圾满了' },
      });
      expect(lost.status).toBe(201);
      expect(lost.body[0].service_notice).toBe('已收到，暂未能根据位置确定所属网格，将由区综治中心人工分派');
      const unlocated = (await t.storedEvents()).find((e) => e.streamId === `grid-case-report-${lost.body[0].service_request_id}`)!;
      expect(unlocated).toMatchObject({ jurisdiction: ['d-fq'], data: { gridId: null } });
      const queue = await t.call<LooseJson>('GET', '/intake/cases?unlocated=true', { as: 'districtOperator' });
      expect(queue.body.items.map((c: LooseJson) => c.caseId)).toContain(lost.body[0].service_request_id);
    });

    it.each([
      ['no api_key', { api_key: '' }, 400, 'api_key 必填'],
      ['a wrong api_key', { api_key: 'not-the-key-at-all' }, 403, 'api_key 无效'],
      ['an unknown service_code', { service_code: 'ufo' }, 404, 'service_code 不存在：ufo'],
      ['a service that is not public', { service_code: 'neighbour_dispute' }, 404, 'service_code 不存在：neighbour_dispute'],
      ['a foreign jurisdiction_id', { jurisdiction_id: 'sfgov.org' }, 404, 'jurisdiction_id 不存在：sfgov.org（本接口为 fengqiao.demo）'],
      ['no location', { lat: '', long: '' }, 400, '须提供 lat 与 long（WGS84），或 address_string（不支持 address_id）'],
      ['lat without long', { long: '' }, 400, '须提供 lat 与 long（WGS84），或 address_string（不支持 address_id）'],
      ['a latitude out of range', { lat: '95' }, 400, 'lat 须在 -90 到 90 之间'],
      ['no description', { description: '' }, 400, 'description 必填'],
      ['a description over 4000 characters', { description: '长'.repeat(4001) }, 400, 'description 不能超过 4000 字'],
      ['a media_url that is not http', { media_url: 'ftp://x/y.jpg' }, 400, 'media_url 须为 http 或 https 地址'],
      ['an unknown field', { colour: 'red' }, 400, '不接受字段 colour：请删除该字段'],
    ])('%s: the status and the Open311 error list, nothing written', async (_what, over, status, description) => {
      const before = (await t.storedEvents()).length;
      const res = await t.call<LooseJson>('POST', '/open311/v2/requests.json', { form: form(over) });
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.arrayContaining([{ code: status, description }]));
      expect((await t.storedEvents()).length).toBe(before);
    });
  });

  describe('GET requests.json', () => {
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      const post = async (key: string, service_code: string) => {
        t.clock.advance(3_600_000);
        const res = await t.call<LooseJson>('POST', '/open311/v2/requests.json', { form: form({ service_code, description: key }) });
        expect(res.status).toBe(201);
        ids[key] = res.body[0].service_request_id;
      };
      await post('lamp', 'streetlight_fault');
      await post('fire', 'fire_lane_blocked');
      // a hotline report of a public category shows too, one of a private category does not
      t.clock.advance(3_600_000);
      ids['hotline'] = (
        await t.report('districtOperator', { channel: 'hotline', category: 'road_damage', description: 'hotline', location: { point: pointIn('g-1-3-1') } })
      ).caseId;
      ids['dispute'] = (
        await t.report('districtOperator', {
          channel: 'walk_in',
          category: 'neighbour_dispute',
          description: 'dispute',
          location: { point: pointIn('g-1-3-1') },
        })
      ).caseId;
      // declined: closed
      expect(
        (
          await t.call('POST', `/intake/cases/${ids['fire']}/decline`, {
            as: 'districtOperator',
            body: { declineReason: 'answered_at_once', reason: '已答复' },
          })
        ).status,
      ).toBe(200);
    });

    const get = async (query = '') => {
      const res = await t.call<LooseJson>('GET', `/open311/v2/requests.json${query}`);
      expect(res.status).toBe(200);
      return res.body as LooseJson[];
    };
    const idsOf = (list: LooseJson[]) => list.map((r) => r.service_request_id);

    it('defaults to the last 90 days, newest first, public categories only, no reporter anywhere', async () => {
      const all = await get();
      expect(idsOf(all).slice(0, 3)).toEqual([ids['hotline'], ids['fire'], ids['lamp']]);
      expect(idsOf(all)).not.toContain(ids['dispute']);
      expect(JSON.stringify(all)).not.toMatch(/张三|13800000103/);
      expect((await t.call<LooseJson>('GET', `/open311/v2/requests/${ids['dispute']}.json`)).status).toBe(404);
      // 91 days later they are out of the default window
      t.clock.advance(91 * 86_400_000);
      try {
        expect(await get()).toEqual([]);
      } finally {
        t.clock.advance(-91 * 86_400_000);
      }
    });

    it('filters by service_request_id (overriding the rest), service_code and status', async () => {
      expect(idsOf(await get(`?service_request_id=${ids['lamp']},${ids['hotline']}&service_code=fire_lane_blocked`)).sort()).toEqual(
        [ids['lamp'], ids['hotline']].sort(),
      );
      expect(idsOf(await get('?service_code=fire_lane_blocked,road_damage'))).toEqual(expect.arrayContaining([ids['fire'], ids['hotline']]));
      expect(idsOf(await get('?service_code=fire_lane_blocked,road_damage'))).not.toContain(ids['lamp']);
      const closed = await get('?status=closed');
      expect(idsOf(closed)).toContain(ids['fire']);
      expect(closed.every((r) => r.status === 'closed')).toBe(true);
      expect(closed.find((r) => r.service_request_id === ids['fire'])).toMatchObject({ status_notes: '不予受理：已当场答复' });
      expect(idsOf(await get('?status=open'))).not.toContain(ids['fire']);
      // unknown codes and ids match nothing; a private category's case cannot be named either
      expect(await get('?service_code=ufo')).toEqual([]);
      expect(await get(`?service_request_id=no-such-id,${ids['dispute']}`)).toEqual([]);
    });

    it('a date range of at most 90 days; start alone means the 90 days after it', async () => {
      const now = t.clock.now().getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      expect(idsOf(await get(`?start_date=${iso(now - 1.5 * 3_600_000)}&end_date=${iso(now)}`))).toEqual([ids['hotline'], ids['fire']]);
      expect(idsOf(await get(`?start_date=${iso(now - 30 * 86_400_000)}`))).toContain(ids['lamp']);
      expect(await get(`?end_date=${iso(now - 200 * 86_400_000)}`)).toEqual([]);
      const tooLong = await t.call<LooseJson>('GET', `/open311/v2/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z`);
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toEqual([{ code: 400, description: 'start_date 与 end_date 相差不能超过 90 天' }]);
      const bad = await t.call<LooseJson>('GET', '/open311/v2/requests.json?start_date=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual([{ code: 400, description: 'start_date 须为 W3C 日期时间，例如 2025-03-01T00:00:00+08:00' }]);
      expect((await t.call<LooseJson>('GET', '/open311/v2/requests.json?status=pending')).status).toBe(400);
    });

    it('pages with page and page_size (extension)', async () => {
      const all = idsOf(await get());
      const p1 = idsOf(await get('?page_size=2'));
      const p2 = idsOf(await get('?page_size=2&page=2'));
      expect([...p1, ...p2]).toEqual(all.slice(0, 4));
      expect((await t.call<LooseJson>('GET', '/open311/v2/requests.json?page_size=5000')).status).toBe(400);
    });
  });
  describe('bodies refused before any route runs', () => {
    const post = (path: string, contentType: string, body: string | Buffer) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

    it('answers malformed, non-UTF-8, too deep and unsupported bodies in the Open311 error shape (JSON and XML)', async () => {
      const cases: Array<[string, string | Buffer, number]> = [
        ['application/json', '{"api_key": ', 400],
        ['application/json; charset=utf-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 400],
        ['application/json', '['.repeat(5_000) + ']'.repeat(5_000), 400],
        ['text/plain', 'service_code=x', 415],
      ];
      for (const [contentType, body, status] of cases) {
        const json = await post('/open311/v2/requests.json', contentType, body);
        expect({ contentType, status: json.status }).toEqual({ contentType, status });
        const list = (await json.json()) as LooseJson;
        expect(Array.isArray(list)).toBe(true);
        expect(list).toEqual([{ code: status, description: expect.stringMatching(/[\u4e00-\u9fff]/) }]);

        const xml = await post('/open311/v2/requests.xml', contentType, body);
        expect(xml.status).toBe(status);
        expect(xml.headers.get('content-type')).toMatch(/xml/);
        const text = await xml.text();
        expect(text).toContain('<errors>');
        expect(text).toContain(`<code>${status}</code>`);
      }
    });

    it('leaves the platform error shape on the other routes', async () => {
      const res = await post('/intake/cases', 'application/json', '{"description": ');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/[\u4e00-\u9fff]/) });
    });
  });
});
