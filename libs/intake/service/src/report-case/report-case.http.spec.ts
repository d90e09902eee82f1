import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp } from '../testing/intake-test-app';

/** POST /intake/cases in standalone mode: validation, locating, jurisdiction, what is recorded. */
describe('report a case (POST /intake/cases)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const body = (over: Record<string, unknown> = {}) => ({
    channel: 'hotline',
    category: 'fire_lane_blocked',
    description: '小区3号楼北侧消防通道被私家车堵住',
    location: { point: pointIn('g-1-1-2'), address: '枫源小区3号楼北侧' },
    urgency: 'urgent',
    reporter: { anonymous: false, name: '张先生', phone: '13800000101' },
    attachments: [{ ref: 'obj://photos/1.jpg', mediaType: 'image/jpeg' }],
    ...over,
  });

  it('records CaseReported on a new stream with the grid of the point and its unit path', async () => {
    const res = await t.call<LooseJson>('POST', '/intake/cases', { as: 'village11Operator', body: body() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'reported',
      revision: 0,
      events: ['CaseReported'],
      gridId: 'g-1-1-2',
      locatedBy: 'point',
      unlocated: false,
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-2'],
    });
    expect(res.headers.get('etag')).toBe('"0"');
    expect(res.headers.get('location')).toBe(`/intake/cases/${res.body.caseId}`);

    const stored = (await t.storedEvents()).filter((e) => e.streamId === `grid-case-report-${res.body.caseId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      type: 'CaseReported',
      revision: 0,
      jurisdiction: ['d-fq', 't-1', 'v-1-1', 'g-1-1-2'],
      actor: { role: 'operator', unitId: 'v-1-1' },
      occurredAt: t.clock.now().toISOString(),
    });
    expect(stored[0].data).toMatchObject({
      caseId: res.body.caseId,
      channel: 'hotline',
      category: 'fire_lane_blocked',
      gridId: 'g-1-1-2',
      urgency: 'urgent',
      // the reporter's name and phone are sealed for the subject reporter-<caseId> before the event is stored
      reporter: {
        anonymous: false,
        name: { __pii: expect.objectContaining({ subjectId: `reporter-${res.body.caseId}`, alg: 'AES-256-GCM' }) },
        phone: { __pii: expect.objectContaining({ subjectId: `reporter-${res.body.caseId}` }) },
      },
      attachments: [{ ref: 'obj://photos/1.jpg', mediaType: 'image/jpeg' }],
    });
    expect(JSON.stringify(stored)).not.toMatch(/张先生|13800000101/);

    // readable at once (the view is brought up to date before the answer)
    const got = await t.call<LooseJson>('GET', `/intake/cases/${res.body.caseId}`, { as: 'village11Operator' });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'reported', gridId: 'g-1-1-2', gridName: '枫源社区第二网格', categoryName: '消防通道堵塞' });
  });

  it('falls back to the address table when there is no point', async () => {
    const res = await t.call<LooseJson>('POST', '/intake/cases', {
      as: 'districtOperator',
      body: body({ location: { address: '枫源小区 3号楼，北侧门口' } }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ gridId: 'g-1-1-2', locatedBy: 'address', unlocated: false });
  });

  it('an unlocated report gets gridId null, the receiving centre path, and waits in the unlocated queue', async () => {
    const res = await t.call<LooseJson>('POST', '/intake/cases', {
      as: 'town1Operator',
      // a point far outside the district and an address nobody knows
      body: body({ location: { point: { lat: 31.2, lng: 121.5 }, address: '不存在的路 99 号' } }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ gridId: null, locatedBy: null, unlocated: true, jurisdiction: ['d-fq', 't-1'] });
    const stored = (await t.storedEvents()).find((e) => e.streamId === `grid-case-report-${res.body.caseId}`)!;
    expect(stored.data).toMatchObject({ gridId: null });
    expect(stored.jurisdiction).toEqual(['d-fq', 't-1']);

    const queue = await t.call<LooseJson>('GET', '/intake/cases?unlocated=true', { as: 'town1Operator' });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((c: LooseJson) => c.caseId)).toContain(res.body.caseId);
    expect(queue.body.items.every((c: LooseJson) => c.unlocated === true && c.gridId === null)).toBe(true);
  });

  it('a grid worker reports in their own grid and their own village, not in another village', async () => {
    const own = await t.call<LooseJson>('POST', '/intake/cases', {
      as: 'gridWorker111',
      body: body({ channel: 'grid_worker', reporter: undefined, location: { point: pointIn('g-1-1-1') } }),
    });
    expect(own.status).toBe(201);
    const sameVillage = await t.call<LooseJson>('POST', '/intake/cases', {
      as: 'gridWorker111',
      body: body({ channel: 'grid_worker', reporter: undefined, location: { point: pointIn('g-1-1-3') } }),
    });
    expect(sameVillage.status).toBe(201);
    expect(sameVillage.body.gridId).toBe('g-1-1-3');

    const before = (await t.storedEvents()).length;
    const otherVillage = await t.call<LooseJson>('POST', '/intake/cases', {
      as: 'gridWorker111',
      body: body({ channel: 'grid_worker', reporter: undefined, location: { point: pointIn('g-1-2-1') } }),
    });
    expect(otherVillage.status).toBe(403);
    expect(otherVillage.body).toMatchObject({ code: 'AUTH.OUT_OF_JURISDICTION' });
    expect((await t.storedEvents()).length).toBe(before);
  });

  it('refuses a village operator reporting in another village, and roles without case.report', async () => {
    const before = (await t.storedEvents()).length;
    const res = await t.call<LooseJson>('POST', '/intake/cases', { as: 'village11Operator', body: body({ location: { point: pointIn('g-1-2-1') } }) });
    expect(res.status).toBe(403);
    for (const user of ['department', 'auditorDistrict', 'mediator', 'admin'] as const) {
      const r = await t.call<LooseJson>('POST', '/intake/cases', { as: user, body: body() });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('AUTH.ACTION_FORBIDDEN');
    }
    expect((await t.call('POST', '/intake/cases', { body: body() })).status).toBe(401);
    expect((await t.storedEvents()).length).toBe(before);
  });

  it('only a grid worker may use the grid_worker channel (the decider says so: 403 with its code)', async () => {
    const res = await t.call<LooseJson>('POST', '/intake/cases', { as: 'village11Operator', body: body({ channel: 'grid_worker' }) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('GRID_CASE_REPORT.FORBIDDEN_ROLE');
  });

  it.each([
    ['channel', { channel: 'fax' }, '上报渠道须为 grid_worker、hotline、walk_in、online、video_alert 之一'],
    ['category', { category: '' }, '请选择事件类别'],
    ['description', { description: '' }, '请填写事件描述'],
    ['description', { description: '长'.repeat(4001) }, '事件描述不能超过 4000 字'],
    ['location', { location: undefined }, '须提供事件位置：坐标或地址至少一项'],
    ['location.point', { location: {} }, '须提供事件位置：坐标或地址至少一项'],
    ['location.point.lat', { location: { point: { lat: 91, lng: 120 } } }, '纬度须在 -90 到 90 之间'],
    ['location.point.lng', { location: { point: { lat: 29, lng: 'east' } } }, '经度须为数字'],
    ['urgency', { urgency: 'asap' }, '紧急程度须为 normal、urgent、very_urgent 之一'],
    ['reporter.phone', { reporter: { anonymous: false, phone: 'call me' } }, '联系电话格式无效'],
    ['reporter.anonymous', { reporter: { name: '张三' } }, 'anonymous 须为 true 或 false'],
    ['attachments.0.ref', { attachments: [{ ref: '' }] }, '附件引用不能为空'],
    ['attachments', { attachments: Array.from({ length: 21 }, (_, i) => ({ ref: `obj://${i}` })) }, '附件不能超过 20 个'],
  ])('400 on a bad %s, with the field and a Chinese message', async (field, over, message) => {
    const res = await t.call<LooseJson>('POST', '/intake/cases', { as: 'districtOperator', body: body(over) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, message })]));
  });

  it('400 on an unknown field (whitelist) and on an unknown category (field named)', async () => {
    const extra = await t.call<LooseJson>('POST', '/intake/cases', { as: 'districtOperator', body: body({ gridId: 'g-1-1-1' }) });
    expect(extra.status).toBe(400);
    expect(extra.body.details.fields).toEqual([expect.objectContaining({ field: 'gridId', constraint: 'whitelistValidation' })]);

    const unknown = await t.call<LooseJson>('POST', '/intake/cases', { as: 'districtOperator', body: body({ category: 'alien_landing' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'INTAKE.UNKNOWN_CATEGORY',
      message: '事件类别不存在：alien_landing',
      details: { fields: [{ field: 'category', constraint: 'knownCategory', message: '事件类别不存在：alien_landing' }] },
    });
  });
});
